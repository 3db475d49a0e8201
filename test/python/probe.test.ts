import { execa } from 'execa';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleContext } from '../../src/render/context.js';
import { probePythonBackend } from '../../src/python/index.js';
import { PROBE_SCRIPT, RESULT_MARKER } from '../../src/python/probe.js';
import { barePython, editDatabaseModule, fixtureConfig, makeBackend, removeDir, venvPython } from './backend.js';

let python: string;
const dirs: string[] = [];

beforeAll(async () => {
  python = await venvPython();
});

afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function backend(...args: Parameters<typeof makeBackend>): Promise<string> {
  const dir = await makeBackend(...args);
  dirs.push(dir);
  return dir;
}

describe('the generated database.py with real supabase-py 2.31', () => {
  it('compiles, imports with a pydantic-settings config, and every method sends the expected request', async () => {
    const backendDir = await backend();

    const result = await probePythonBackend({ backendDir, python });

    expect(result).toEqual({
      status: 'ok',
      python,
      checked: ['get_supabase_client', 'get_supabase', 'get_db', 'table', 'get_user', 'update_user', 'create_job', 'get_job', 'update_job'],
    });
  });

  it("finds the backend's own .venv when no interpreter is given, and writes no bytecode", async () => {
    const backendDir = await backend();
    await symlink(path.dirname(path.dirname(python)), path.join(backendDir, '.venv'), 'dir');

    const result = await probePythonBackend({ backendDir });

    expect(result).toMatchObject({ status: 'ok', python: path.join(backendDir, '.venv', 'bin', 'python') });
    expect(await readdir(path.join(backendDir, 'src'))).toEqual(['__init__.py', 'config.py', 'database.py']);
  });

  it('reads the setting names of the render context', async () => {
    const context = exampleContext({ python: { configModule: 'src.settings', urlSetting: 'API_URL', keySetting: 'SERVICE_KEY' } });
    const config = (await readFile(fixtureConfig, 'utf8'))
      .replace('SUPABASE_URL: str', 'API_URL: str')
      .replace('SUPABASE_SERVICE_ROLE_KEY: str', 'SERVICE_KEY: str');
    const backendDir = await backend(context, '');
    await writeFile(path.join(backendDir, 'src', 'settings.py'), config);
    await rm(path.join(backendDir, 'src', 'config.py'));

    const result = await probePythonBackend({ backendDir, python, settings: context.python });

    expect(result.status).toBe('ok');
  });
});

describe('probePythonBackend reports what is wrong', () => {
  it('a syntax error, with its line', async () => {
    const backendDir = await backend();
    await editDatabaseModule(backendDir, 'class DatabaseService:', 'class DatabaseService\n');
    const source = await readFile(path.join(backendDir, 'src', 'database.py'), 'utf8');
    const line = source.split('\n').indexOf('class DatabaseService') + 1;

    const result = await probePythonBackend({ backendDir, python });

    expect(result).toMatchObject({ status: 'compile-error', file: 'src/database.py', line, message: "expected ':'" });
  });

  it('an async method that blocks the event loop (the sync client called on the loop thread)', async () => {
    const backendDir = await backend();
    await editDatabaseModule(
      backendDir,
      'rows = await self._rows("users", "select", (await self._query("users")).select("*").eq("id", user_id))',
      'rows = self.client.table("users").select("*").eq("id", user_id).execute().data',
    );

    const result = await probePythonBackend({ backendDir, python });

    expect(result.status).toBe('mismatch');
    if (result.status !== 'mismatch') return;
    expect(result.mismatches.map((m) => m.call)).toEqual([
      'get_user("11111111-1111-4111-8111-111111111111")',
      'get_user("99999999-9999-4999-8999-999999999999")',
    ]);
    expect(result.mismatches[0]?.problem).toContain("event loop's thread");
  });

  it('a method that sends another request, with expected and actual', async () => {
    const backendDir = await backend();
    await editDatabaseModule(backendDir, '.update(data).eq("id", job_id)', '.update(data).eq("job_id", job_id)');

    const result = await probePythonBackend({ backendDir, python });

    expect(result).toMatchObject({
      status: 'mismatch',
      mismatches: [
        {
          call: 'update_job("22222222-2222-4222-8222-222222222222", {"status": "completed", "progress": 100})',
          problem: 'sent another request than expected',
          expected: { method: 'PATCH', path: '/rest/v1/jobs?id=eq.22222222-2222-4222-8222-222222222222' },
          actual: { method: 'PATCH', path: '/rest/v1/jobs?job_id=eq.22222222-2222-4222-8222-222222222222' },
        },
        { call: 'update_job("99999999-9999-4999-8999-999999999999", {"status": "failed"})' },
      ],
    });
  });

  it('a missing name later phases import', async () => {
    const backendDir = await backend();
    await editDatabaseModule(backendDir, 'get_supabase = get_supabase_client\n', '');

    const result = await probePythonBackend({ backendDir, python });

    expect(result).toMatchObject({ status: 'mismatch', mismatches: [{ call: 'get_supabase', problem: 'not defined by the module' }] });
  });

  it('an import error: the settings lack a required variable', async () => {
    const config = (await readFile(fixtureConfig, 'utf8')).replace('ENVIRONMENT: str = "development"', 'STRIPE_WEBHOOK_SECRET: str');
    const backendDir = await backend(exampleContext(), config);

    const result = await probePythonBackend({ backendDir, python });

    expect(result).toMatchObject({ status: 'import-error' });
    if (result.status !== 'import-error') return;
    expect(result.message).toContain('ValidationError');
    expect(result.message).toContain('STRIPE_WEBHOOK_SECRET');
  });

  it('a Python without supabase: compiles, then skips with the reason', async () => {
    const backendDir = await backend();
    const bare = await barePython(backendDir);

    const result = await probePythonBackend({ backendDir, python: bare });

    expect(result).toMatchObject({ status: 'skipped', compiled: true, python: bare });
    if (result.status !== 'skipped') return;
    expect(result.reason).toContain('cannot import supabase');

    await editDatabaseModule(backendDir, 'def get_db()', 'def get_db(');
    expect(await probePythonBackend({ backendDir, python: bare })).toMatchObject({ status: 'compile-error', python: bare });
  });

  it('a given interpreter that does not exist', async () => {
    const backendDir = await backend();

    const result = await probePythonBackend({ backendDir, python: path.join(backendDir, 'no', 'python') });

    expect(result).toEqual({
      status: 'skipped',
      compiled: false,
      python: null,
      reason: `Python not found at ${path.join(backendDir, 'no', 'python')}`,
    });
  });

  it('a missing module file', async () => {
    const backendDir = await backend();
    await rm(path.join(backendDir, 'src', 'database.py'));

    expect(await probePythonBackend({ backendDir, python })).toEqual({ status: 'missing-file', file: 'src/database.py' });
  });
});

describe('the shipped probe script', () => {
  it('compiles on its own, prints the marker probe.ts reads, and gains no bytecode beside it from the runs above', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'csdb-probe-pyc-'));
    dirs.push(out);
    const compile = 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)';

    const result = await execa(python, ['-B', '-c', compile, PROBE_SCRIPT, path.join(out, 'probe.pyc')], { reject: false });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await readFile(PROBE_SCRIPT, 'utf8')).toContain(`RESULT_MARKER = "${RESULT_MARKER}"`);
    expect(await readdir(path.dirname(PROBE_SCRIPT))).toEqual(['probe.py']);
  });
});
