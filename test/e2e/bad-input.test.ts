import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { builtBin, hashTree, removeTempDirs, repoRoot, snapshotTree, tempCopy } from '../helpers/fixtures.js';
import { runBin } from '../helpers/run-bin.js';

afterAll(async () => {
  await removeTempDirs();
});

/** Runs, then asserts: one-line error on stderr, the exit code, and the tree untouched. */
async function expectRejected(dir: string, args: string[], exitCode: number, message: RegExp) {
  const before = await snapshotTree(dir);
  const run = await runBin([dir, ...args]);
  expect(run.exitCode, run.stdout + run.stderr).toBe(exitCode);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^create-saas-db: /);
  expect(lines[0]).toMatch(message);
  expect(await snapshotTree(dir)).toEqual(before);
  return lines[0] ?? '';
}

const verifyPhaseBin = path.join(repoRoot, 'bin', 'verify-phase.js');

describe('bad input: one line, non-zero exit, nothing written', () => {
  it.each([
    ['create-saas-db verify', builtBin, ['verify']],
    ['verify-phase', verifyPhaseBin, []],
  ])('%s without a phase: the one-line usage error, exit 2', async (name, bin, args) => {
    const run = await execa(process.execPath, [bin, ...args], { reject: false, stdin: 'ignore', env: { CI: 'true' } });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${name}: which phase? known phases: 04 (e.g. ${name} 04 .; see --help)`);
  });

  // verify and types start the engine's thread before they read the repo: a run that fails
  // first must still end, not wait on that thread.
  it.each([
    ['create-saas-db verify', builtBin, ['verify', '04', '/no/such/repo']],
    ['verify-phase', verifyPhaseBin, ['04', '/no/such/repo']],
    ['create-saas-db types', builtBin, ['types', '/no/such/repo']],
  ])("%s on a directory that does not exist: exit 2 at once, though the engine's thread had started", async (name, bin, args) => {
    const run = await execa(process.execPath, [bin, ...args], { reject: false, stdin: 'ignore', env: { CI: 'true' }, timeout: 30_000 });
    expect(run.timedOut, 'the process did not end').toBe(false);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${name}: (/no/such/repo )?.*does not exist`));
  });

  it('unknown flag', async () => {
    await expectRejected(await tempCopy(null), ['--yes', '--frobnicate'], 2, /unknown option '--frobnicate' \(see --help\)/);
  });

  it.each([
    ['', /--tiers: at least one tier is required/],
    ['free,pro,free', /--tiers: tier "free" is listed twice/],
    ['Free,Pro', /--tiers: tier "Free" is not a lowercase identifier/],
    ["pro'); drop table users;--", /--tiers: tier "pro'\); drop table users;--" is not a lowercase identifier/],
    ['free,,pro', /--tiers: tier "" is not a lowercase identifier/],
    [Array.from({ length: 17 }, (_, i) => `t${i}`).join(','), /--tiers: at most 16 tiers/],
  ])('--tiers %j', async (tiers, message) => {
    await expectRejected(await tempCopy(null), ['--yes', '--tiers', tiers], 2, message);
  });

  it('invalid --naming', async () => {
    await expectRejected(await tempCopy(null), ['--yes', '--naming', 'alphabetical'], 2, /--naming: must be "sequential" or "timestamp"/);
  });

  it('--naming that contradicts the repo', async () => {
    await expectRejected(
      await tempCopy('migrations-timestamp'),
      ['--yes', '--append', '--naming', 'sequential'],
      2,
      /already uses timestamp versions/,
    );
  });

  it('target is a file', async () => {
    const dir = await tempCopy(null);
    await writeFile(path.join(dir, 'a-file'), 'x');
    const before = await hashTree(dir);
    const run = await runBin([path.join(dir, 'a-file'), '--yes']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toMatch(/^create-saas-db: .*a-file is a file, not a directory/);
    expect(await hashTree(dir)).toEqual(before);
  });

  it('read-only target', async () => {
    const dir = await tempCopy(null);
    await writeFile(path.join(dir, 'README.md'), '# mine\n');
    const { exitCode } = await execa('chattr', ['+i', dir], { reject: false });
    if (exitCode !== 0) await execa('chmod', ['a-w', dir]);
    try {
      await expectRejected(dir, ['--yes', '--no-types'], 2, /is not writable: fix its permissions or choose another target/);
    } finally {
      await execa('chattr', ['-i', dir], { reject: false });
      await execa('chmod', ['u+w', dir]);
    }
  });

  it('--web-dir escaping the target', async () => {
    await expectRejected(
      await tempCopy(null),
      ['--yes', '--web-dir', '../elsewhere'],
      2,
      /--web-dir \.\.\/elsewhere: must be a path inside the target directory/,
    );
  });

  it('supabase/ symlinked outside the target', async () => {
    const dir = await tempCopy(null);
    const outside = await tempCopy(null);
    await symlink(outside, path.join(dir, 'supabase'));
    await expectRejected(dir, ['--yes'], 2, /supabase\/ is a symlink to a place outside the target directory/);
    expect((await hashTree(outside)).size).toBe(0);
  });

  it('malformed scaffold-config.json', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await writeFile(path.join(dir, 'scaffold-config.json'), '{ "payments": ');
    await expectRejected(dir, ['--yes'], 2, /scaffold-config\.json is not valid JSON/);
  });

  it('schema-invalid scaffold-config.json', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await writeFile(path.join(dir, 'scaffold-config.json'), JSON.stringify({ payments: { tiers: [{ id: 7 }] } }));
    await expectRejected(dir, ['--yes'], 2, /scaffold-config\.json: payments\.tiers\.0\.id: /);
    await writeFile(path.join(dir, 'scaffold-config.json'), JSON.stringify({ payments: { tiers: [{ id: 'Pro Plan' }] } }));
    await expectRejected(dir, ['--yes'], 2, /scaffold-config\.json: payments\.tiers: tier "Pro Plan" is not a lowercase identifier/);
  });

  it('--config pointing nowhere', async () => {
    await expectRejected(await tempCopy(null), ['--yes', '--config', 'nope.json'], 2, /--config nope\.json: file not found/);
  });

  it('supabase/migrations existing as a file', async () => {
    const dir = await tempCopy(null);
    await mkdir(path.join(dir, 'supabase'));
    await writeFile(path.join(dir, 'supabase', 'migrations'), 'oops');
    await expectRejected(dir, ['--yes'], 2, /supabase\/migrations exists but is a file/);
  });

  it('a template that fails to render', async () => {
    const pkg = await tempCopy(null);
    for (const part of ['bin', 'dist', 'templates', 'package.json'])
      await cp(path.join(repoRoot, part), path.join(pkg, part), { recursive: true });
    await symlink(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const seed = path.join(pkg, 'templates/supabase/seed.sql.hbs');
    await writeFile(seed, `${await readFile(seed, 'utf8')}\n{{#each tiers}}{{/if}}\n`);
    const target = await tempCopy(null);
    const run = await execa(process.execPath, [path.join(pkg, 'bin/create-saas-db.js'), target, '--yes', '--no-types'], {
      reject: false,
      env: { CI: 'true' },
    });
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr).trim()).toMatch(/^create-saas-db: template supabase\/seed\.sql\.hbs failed to render: /);
    expect(String(run.stderr).trim().split('\n')).toHaveLength(1);
    expect((await hashTree(target)).size).toBe(0);
  });

  it("--config /etc/passwd: the parse error gives a position, never the file's content", async () => {
    const line = await expectRejected(
      await tempCopy(null),
      ['--yes', '--config', '/etc/passwd'],
      2,
      /\/etc\/passwd is not valid JSON \(line 1, column 1: /,
    );
    expect(line).not.toMatch(/root|:x:/);
  });

  it('--config /dev/zero and a config over 1 MiB are refused before reading', async () => {
    await expectRejected(await tempCopy(null), ['--yes', '--config', '/dev/zero'], 2, /--config \/dev\/zero: not a regular file/);
    const dir = await tempCopy(null);
    const big = path.join(await tempCopy(null), 'big.json');
    await writeFile(big, `{"pad": "${'x'.repeat(1100 * 1024)}"}`);
    await expectRejected(dir, ['--yes', '--config', big], 2, /big\.json: larger than 1 MiB/);
  });

  it.each([
    ['scaffold-config.json', 'phase03-monorepo'],
    ['package.json', 'own-middleware'],
    ['apps/web/package.json', 'phase03-monorepo'],
    ['packages/backend/pyproject.toml', 'phase03-monorepo'],
    ['supabase/config.toml', 'phase03-monorepo'],
  ])('a FIFO as %s: exit 2, no hang', async (file, fixture) => {
    const dir = await tempCopy(fixture);
    await rm(path.join(dir, file), { force: true });
    await execa('mkfifo', [path.join(dir, file)]);
    await expectRejected(dir, ['--yes', '--no-install', '--no-types'], 2, new RegExp(`${file.replace(/\./g, '\\.')}: not a regular file`));
  });

  it('a package.json that is not valid JSON: exit 2 before any write, the file and the position named', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await writeFile(path.join(dir, 'apps/web/package.json'), '{\n  "name": "web",\n  "dependencies": { "next": "16.0.0", }\n}\n');
    const line = await expectRejected(
      dir,
      ['--yes', '--no-install', '--no-types'],
      2,
      /apps\/web\/package\.json is not valid JSON \(line 3, column 39: /,
    );
    expect(line).not.toContain('next');
  });

  it('a target under a file', async () => {
    const dir = await tempCopy(null);
    await writeFile(path.join(dir, 'a-file'), 'x');
    const before = await snapshotTree(dir);
    const run = await runBin([path.join(dir, 'a-file', 'app'), '--yes', '--no-types']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(/^create-saas-db: \S*a-file\/app: \S*a-file is a file, not a directory$/);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it.each([
    ['a directory name over 255 bytes', (dir: string) => [path.join(dir, 'd'.repeat(256))], /: a path component is longer than 255 bytes$/],
    [
      'a 5,000-byte path',
      (dir: string) => [path.join(dir, ...Array.from({ length: 50 }, () => 'p'.repeat(99)))],
      /: longer than 4095 bytes$/,
    ],
    [
      'an overlong --web-dir',
      (dir: string) => [dir, '--web-dir', 'w'.repeat(300)],
      /^create-saas-db: --web-dir w+: a path component is longer than 255 bytes$/,
    ],
  ])('%s: exit 2, one line', async (_, args, message) => {
    const dir = await tempCopy(null);
    const before = await snapshotTree(dir);
    const run = await runBin([...args(dir), '--yes', '--no-types']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
    expect(await snapshotTree(dir)).toEqual(before);
  });
});
