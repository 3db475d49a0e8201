/**
 * The real Supabase CLI (the `supabase` npm package, pinned in devDependencies) as a referee:
 * `supabase db push --include-seed` applies a generated repo to a PostgreSQL 15 database that has
 * the Supabase emulation installed (what `db push` finds on a new project), and
 * `supabase migration list` shows the same history locally and remotely. Compared: the versions
 * the CLI recorded in supabase_migrations.schema_migrations and listed as applied, against the
 * repo's migration files, in the CLI's (string) order.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { openStandInDatabase } from '../helpers/db-standin.js';
import { removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';
import { runBin } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

const SUPABASE = path.join(repoRoot, 'node_modules', '.bin', 'supabase');

function supabase(args: string[], workdir: string) {
  return execa(SUPABASE, [...args, '--workdir', workdir], { reject: false, stdin: 'ignore', timeout: 60_000, env: { DO_NOT_TRACK: '1' } });
}

async function localVersions(repo: string): Promise<string[]> {
  const names = await readdir(path.join(repo, 'supabase', 'migrations'));
  return names
    .map((name) => /^(\d+)_.*\.sql$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort();
}

/** `migration list` rows as [local, remote]: the CLI prints each version in backticks. */
function listedRows(stdout: string): Array<[string, string]> {
  return stdout
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim().replace(/`/g, '')))
    .filter((cells) => cells.length >= 2 && /^\d+$/.test(cells[0] ?? ''))
    .map((cells) => [cells[0]!, cells[1]!]);
}

const CASES: Array<{ name: string; fixture: string | null; args: string[] }> = [
  { name: 'a new repo, sequential names', fixture: null, args: [] },
  { name: 'a new repo, --naming timestamp', fixture: null, args: ['--naming', 'timestamp'] },
  { name: '--append after timestamped migrations', fixture: 'migrations-timestamp', args: ['--append'] },
  { name: "--append after a repo's own 0001_ numbering and sign-up trigger", fixture: 'own-signup-0001', args: ['--append'] },
];

describe('the Supabase CLI 2.117.0 pushes the generated repo and lists the same history', () => {
  it.each(CASES)('$name', async ({ fixture, args }) => {
    const target = fixture === null ? path.join(await tempCopy(null), 'app') : await tempCopy(fixture);
    const generated = await runBin([target, '--yes', '--no-install', '--no-types', ...args]);
    expect(generated.exitCode, generated.stderr).toBe(0);

    const db = await openStandInDatabase('postgres', 'current');
    try {
      const url = `${db.url}${db.url!.includes('?') ? '&' : '?'}sslmode=disable`;
      const push = await supabase(['db', 'push', '--db-url', url, '--include-seed', '--yes'], target);
      expect(push.exitCode, `${push.stdout}\n${push.stderr}`).toBe(0);
      expect(push.stderr + push.stdout).toContain('Seeding data from supabase/seed.sql');

      const versions = await localVersions(target);
      const recorded = await db.engine.query<{ version: string }>(
        'select version from supabase_migrations.schema_migrations order by version',
      );
      expect(recorded.map((r) => r.version)).toEqual(versions);

      const list = await supabase(['migration', 'list', '--db-url', url], target);
      expect(list.exitCode, list.stderr).toBe(0);
      expect(listedRows(list.stdout)).toEqual(versions.map((v) => [v, v]));

      const again = await supabase(['db', 'push', '--db-url', url, '--yes'], target);
      expect(again.exitCode).toBe(0);
      expect(again.stderr + again.stdout).toMatch(/up to date/i);
    } finally {
      await db.dispose();
    }
  });
});
