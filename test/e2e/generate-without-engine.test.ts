import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin } from '../helpers/fixtures.js';

// A module hook that makes loading the embedded engine fail, so a run that needs it says so.
const REFUSE_ENGINE = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@electric-sql/pglite')) throw new Error('the embedded engine was loaded');
  return next(specifier, context);
}`;
const PRELOAD = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(REFUSE_ENGINE)}`)});`;

function generate(cwd: string, args: string[]) {
  return execa(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, builtBin, ...args, '--json'], {
    cwd,
    reject: false,
    stdin: 'ignore',
    env: { CI: 'true' },
    timeout: 100_000,
  });
}

describe('generate: a new repo gets its types without the embedded engine', () => {
  it('writes database.types.ts with the engine refused, and needs the engine once a user migration exists', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'csdb-no-engine-'));
    const fresh = await generate(dir, ['my-app', '--yes', '--tiers', 'free,team']);
    expect(fresh.exitCode, String(fresh.stderr)).toBe(0);
    const report = JSON.parse(String(fresh.stdout)) as { notes: string[]; files: Array<{ path: string }> };
    expect(report.notes.join('\n')).not.toContain('types not generated');
    const typesFile = report.files.map((f) => f.path).find((p) => p.endsWith('database.types.ts'))!;
    expect(await readFile(path.join(dir, 'my-app', typesFile), 'utf8')).toContain('subscription_tier: "free" | "team"');

    // The hook does bite: a repo with a migration of its own needs the engine.
    const repo = path.join(dir, 'with-migration');
    await mkdir(path.join(repo, 'supabase', 'migrations'), { recursive: true });
    await writeFile(
      path.join(repo, 'supabase', 'migrations', '20240101000000_notes.sql'),
      'create table public.notes (id bigint primary key);\n',
    );
    const withUser = await generate(repo, ['.', '--yes', '--append']);
    expect(String(withUser.stdout)).toContain('the embedded engine was loaded');
  });
});
