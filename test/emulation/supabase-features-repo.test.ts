import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATED_LABEL } from '../../src/emulation/extensions.js';
import { repoEmbeddedExtensions } from '../../src/verify/database/repo-extensions.js';
import {
  check,
  copyRepo,
  editRepoFile,
  generatedRepo,
  removeTempDirs,
  runVerify,
  runVerifyJson,
  writeRepoFile,
} from '../verify/helpers/repo.js';
import { repoSqlAt } from '../helpers/repo-sql.js';

/**
 * A generated repo plus a migration using vector, pg_trgm, pg_cron, vault, storage policies and
 * realtime passes `verify-phase 04` on the embedded engine (the built CLI), the extensions PGlite
 * has running for real and the others named in the report as emulated.
 */
const FEATURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'supabase-features.sql');
const MIGRATION = 'supabase/migrations/00003_supabase_features.sql';

let repo: string;

beforeAll(async () => {
  repo = await copyRepo(await generatedRepo(), 'features');
  await writeRepoFile(repo, MIGRATION, await readFile(FEATURES, 'utf8'));
});
afterAll(() => removeTempDirs());

describe('a repo using Supabase features', () => {
  it('loads pg_trgm and vector, and a plain generated repo no module (its seed calls no pgcrypto function)', async () => {
    expect(await repoEmbeddedExtensions(await repoSqlAt(repo))).toEqual(['pg_trgm', 'vector']);
    expect(await repoEmbeddedExtensions(await repoSqlAt(await generatedRepo()))).toEqual([]);
  });

  it('passes verify-phase 04 on the embedded engine, naming the emulated extensions', async () => {
    const { report, exitCode, stderr } = await runVerifyJson(['04', repo, '--skip', 'typescript,python,pgtap']);
    expect(stderr).toBe('');
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.engineDescription).toBe('emulated Supabase (PostgreSQL 18 via PGlite)');
    const notes = check(report, 'migrations').warnings;
    expect(notes).toEqual([
      {
        // The fixture's supabase/config.toml says major_version = 15.
        message: expect.stringMatching(
          /^the embedded engine is PostgreSQL 18; this project runs PostgreSQL 15 .*--db-url against a PostgreSQL 15 server/,
        ),
        location: { file: 'supabase/config.toml' },
      },
      {
        message: `extension pg_cron is emulated (${EMULATED_LABEL}): jobs are recorded in cron.job, never run`,
        location: { file: MIGRATION, line: 5 },
      },
      {
        message: `extension supabase_vault is emulated (${EMULATED_LABEL}): secrets are stored encoded, not encrypted`,
        location: { file: MIGRATION, line: 6 },
      },
    ]);
  });

  it('shows them in the human report, as warnings of a passing check', async () => {
    const { stdout, exitCode } = await runVerify(['04', repo, '--skip', 'typescript,python,pgtap']);
    expect(exitCode).toBe(0);
    expect(stdout.split('\n')[0]).toContain('emulated Supabase (PostgreSQL 18 via PGlite)');
    expect(stdout).toContain(`warning: ${MIGRATION}:5: extension pg_cron is emulated (${EMULATED_LABEL})`);
  });

  it('says where the authoritative answer is for a project on PostgreSQL 17', async () => {
    const on17 = await copyRepo(repo, 'features-17');
    await editRepoFile(on17, 'supabase/config.toml', /^major_version = 15$/m, 'major_version = 17');
    const { report } = await runVerifyJson([
      '04',
      on17,
      '--skip',
      'typescript,python,pgtap,rls,advisors,schema,seed',
      '--grants',
      'current',
    ]);
    expect(check(report, 'migrations').warnings).toContainEqual({
      message: expect.stringMatching(
        /^the embedded engine is PostgreSQL 18; this project runs PostgreSQL 17 .*--db-url against a PostgreSQL 17 server/,
      ),
      location: { file: 'supabase/config.toml' },
    });
  });
});
