import { afterAll, describe, expect, it } from 'vitest';
import { introspectMigrations } from '../../src/types-gen/from-migrations.js';
import { RUNTIME_CALL } from '../helpers/runtime-module-call.js';
import { check, copyRepo, generatedRepo, removeTempDirs, runVerifyJson, writeRepoFile } from './helpers/repo.js';

afterAll(removeTempDirs);

/**
 * The embedded engine loads pgcrypto's module only for SQL that names its functions; a project
 * has it always. A call the scan cannot see (the name assembled at run time) fails on the shared
 * engine, and the failure is confirmed on a database of its own, which has every module the
 * image's extensions need: the verdict is a project's.
 */

describe('a pgcrypto call whose function name is assembled at run time', () => {
  it('passes, as on a project', async () => {
    const repo = await copyRepo(await generatedRepo(), 'runtime-module-call');
    // No other pgcrypto call in the repo: the shared engine boots without the module.
    await writeRepoFile(repo, 'supabase/seed.sql', 'select 1;\n');
    await writeRepoFile(repo, 'supabase/migrations/00003_runtime_call.sql', RUNTIME_CALL);
    const { report } = await runVerifyJson(['04', repo, '--grants', 'current', '--skip', 'rls,advisors,pgtap,typescript,python']);
    expect(check(report, 'migrations')).toMatchObject({ status: 'pass', findings: [] });
    expect(check(report, 'seed').status).toBe('pass');
  });

  it('types: the migrations run again on an engine with the module, as on a project', async () => {
    const model = await introspectMigrations([
      { name: '00001_runtime_call.sql', sql: RUNTIME_CALL },
      { name: '00002_table.sql', sql: 'create table public.notes (id bigint primary key);' },
    ]);
    expect(model.schemas.find((s) => s.schema === 'public')?.tables.map((t) => t.name)).toEqual(['notes']);
  });
});
