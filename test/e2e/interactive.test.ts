import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { builtBin, hashTree, removeTempDirs, repoRoot, snapshotTree, tempCopy } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

const driver = path.join(repoRoot, 'test', 'helpers', 'pty_drive.py');

async function drive(steps: string[], args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; screen: string }> {
  const run = await execa('python3', [driver, ...steps, '--', process.execPath, builtBin, ...args], {
    reject: false,
    env: { CI: '', ...env },
  });
  const lines = String(run.stdout).trim().split('\n');
  return { exitCode: Number(lines.at(-1)), screen: String(run.stderr) };
}

/** The screen without colours and cursor moves, for assertions on its words. */
// eslint-disable-next-line no-control-regex
const text = (screen: string) => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** A package manager that talks as npm does and succeeds. */
async function chattyNpm(): Promise<string> {
  const binDir = await tempCopy(null);
  await writeFile(
    path.join(binDir, 'npm'),
    '#!/bin/sh\necho "npm warn EBADENGINE Unsupported engine" >&2\necho "added 3 packages"\nexit 0\n',
  );
  await chmod(path.join(binDir, 'npm'), 0o755);
  return binDir;
}

describe('interactive mode (a real pseudo-terminal)', () => {
  it('a cancelled prompt exits 130 and writes nothing', async () => {
    const target = await tempCopy(null);
    const { exitCode, screen } = await drive(['Subscription tiers', '\\x03'], [target, '--no-types']);
    expect(exitCode, screen).toBe(130);
    expect((await hashTree(target)).size).toBe(0);
  });

  it('asks tiers and naming, then writes what was answered', async () => {
    const target = await tempCopy(null);
    const { exitCode, screen } = await drive(
      ['Subscription tiers', 'basic,team\\r', 'Migration file names', '\\x1b[B\\r'],
      // A new directory's install is not what this tests (new-project.test.ts does).
      [target, '--no-types', '--no-install'],
    );
    expect(exitCode, screen).toBe(0);
    const files = [...(await hashTree(target)).keys()];
    const schema = files.find((f) => /^supabase\/migrations\/\d{14}_initial_schema\.sql$/.test(f));
    expect(schema, files.join(', ')).toBeDefined();
    expect(await readFile(path.join(target, schema!), 'utf8')).toContain("check (subscription_tier in ('basic', 'team'))");
  });

  it('intro, a spinner while generating types and installing, the report in colour, an outro with the summary', async () => {
    const target = await tempCopy(null);
    const binDir = await chattyNpm();
    const { exitCode, screen } = await drive([], [target, '--tiers', 'free,pro', '--naming', 'sequential'], {
      PATH: `${binDir}:${process.env['PATH']}`,
      PTY_TIMEOUT: '60',
    });
    expect(exitCode, screen).toBe(0);
    const words = text(screen);
    expect(words).toMatch(/^┌ {2}create-saas-db\n/);
    expect(words).toContain('◇  Database types generated');
    expect(words).toContain('◇  Dependencies installed (npm install)');
    expect(words).not.toMatch(/EBADENGINE|added 3 packages/);
    expect(screen).toContain('  \x1b[32mcreate\x1b[39m     supabase/seed.sql\r\n');
    expect(screen).toContain('\x1b[1mNext steps:\x1b[22m');
    expect(words).toMatch(/\n└ {2}\d+ written, 0 skipped, 0 conflicts · next: cd \S+ \(then the steps above\)\n/);
  });

  it('NO_COLOR: the report has no colours at a terminal either', async () => {
    const target = await tempCopy(null);
    const { exitCode, screen } = await drive([], [target, '--tiers', 'free,pro', '--naming', 'sequential', '--no-install', '--no-types'], {
      NO_COLOR: '1',
    });
    expect(exitCode, screen).toBe(0);
    expect(screen).toContain('\r\n  create     supabase/seed.sql\r\n');
    expect(screen).toContain('\r\nNext steps:\r\n');
  });

  it('several Python backends: asks which one gets the database module (or none)', async () => {
    const target = await tempCopy('python-services');
    const { exitCode, screen } = await drive(
      ['Several Python backends found', '\\x1b[B\\r', 'Subscription tiers', '\\r', 'Migration file names', '\\r'],
      [target, '--no-types', '--no-install'],
    );
    expect(exitCode, screen).toBe(0);
    expect(text(screen)).toContain('web app ., backend services/worker');
    const files = [...(await hashTree(target)).keys()];
    expect(files).toContain('services/worker/src/database.py');
    expect(files).not.toContain('services/billing/src/database.py');
  });

  it('a rerun reads the tiers from the phase migration instead of asking again', async () => {
    const target = await tempCopy(null);
    const first = await drive(
      ['Subscription tiers', 'basic,team\\r', 'Migration file names', '\\r'],
      [target, '--no-types', '--no-install'],
    );
    expect(first.exitCode, first.screen).toBe(0);
    const before = await hashTree(target);
    // No answers: a question would wait until the driver gives up (exit -9).
    const rerun = await drive([], [target, '--no-types', '--no-install'], { PTY_TIMEOUT: '20' });
    expect(rerun.exitCode, rerun.screen).toBe(0);
    expect(rerun.screen).not.toContain('Subscription tiers');
    expect(text(rerun.screen)).toMatch(/tiers basic, team: read from supabase\/migrations\/00001_initial_schema\.sql/);
    expect(await hashTree(target)).toEqual(before);
  });

  it('asks per conflict: keep leaves the file, overwrite keeps a backup', async () => {
    const target = await tempCopy(null);
    expect(
      (await execa(process.execPath, [builtBin, target, '--yes', '--no-types', '--no-install'], { env: { CI: 'true' } })).exitCode,
    ).toBe(0);
    await execa('sh', ['-c', `echo '-- mine' > ${target}/supabase/seed.sql`]);
    const keep = await drive(['differs from the generated file', '\\r'], [target, '--no-types', '--tiers', 'free,pro,studio,enterprise']);
    // Keeping a file is an answer, not a conflict left: the run finishes and says so.
    expect(keep.exitCode, keep.screen).toBe(0);
    expect(text(keep.screen)).toMatch(/skip\s+supabase\/seed\.sql\s+\(differs; kept on request\)/);
    expect(text(keep.screen)).toMatch(
      /└ {2}0 written, 5 unchanged, 9 skipped, 0 conflicts · next: supabase start \(then the steps above\)/,
    );
    expect(await readFile(path.join(target, 'supabase/seed.sql'), 'utf8')).toBe('-- mine\n');
    expect((await hashTree(target)).has('supabase/seed.sql.bak')).toBe(false);
    const overwrite = await drive(
      ['differs from the generated file', '\\x1b[B\\r'],
      [target, '--no-types', '--tiers', 'free,pro,studio,enterprise'],
    );
    expect(overwrite.exitCode, overwrite.screen).toBe(0);
    expect((await hashTree(target)).has('supabase/seed.sql.bak')).toBe(true);
  });

  it('a file changed by another program while a prompt waits is not overwritten: exit 3, the run undone', async () => {
    const target = await tempCopy('phase03-monorepo');
    await writeFile(path.join(target, 'supabase/seed.sql'), '-- mine\n');
    const manifest = path.join(target, 'apps/web/package.json');
    const edited = `${(await readFile(manifest, 'utf8')).trimEnd()}\n\n`;
    const before = await snapshotTree(target);
    const { exitCode, screen } = await drive(
      ['differs from the generated file', `!sh printf '%s' '${edited}' > ${manifest}`, '', '\\r'],
      [target, '--no-types', '--no-install', '--tiers', 'free,pro', '--naming', 'sequential'],
    );
    expect(exitCode, screen).toBe(3);
    expect(screen).toContain('apps/web/package.json changed since the plan was made (by another program?): nothing was written; run again');
    expect(await readFile(manifest, 'utf8')).toBe(edited);
    const after = await snapshotTree(target);
    after.delete('apps/web/package.json');
    before.delete('apps/web/package.json');
    expect(after).toEqual(before);
  });
});
