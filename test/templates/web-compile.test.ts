import { readFile, rm, symlink, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typecheckWebFiles } from '../../src/typecheck/index.js';
import { cachedWebDeps, makeAppDir, removeAppDir, variantContext, writeWebApp, type Variant } from './web-app.js';

let deps: { next16: string; next15: string };
const appDirs: string[] = [];

beforeAll(async () => {
  deps = await cachedWebDeps();
});

afterAll(async () => {
  await Promise.all(appDirs.map(removeAppDir));
});

async function appFor(variant: Variant, options: { tsconfig?: boolean } = {}) {
  const appDir = await makeAppDir(variant.nextMajor === 16 ? deps.next16 : deps.next15);
  appDirs.push(appDir);
  const files = await writeWebApp(appDir, variantContext(variant), options);
  return { appDir, files };
}

const variants: Variant[] = [16, 15].flatMap((nextMajor) =>
  (['module', 'process'] as const).flatMap((env) =>
    [false, true].map((typed) => ({ nextMajor: nextMajor as 15 | 16, env, typed })),
  ),
);

describe('generated web files compile with the real packages (tsc --noEmit --strict)', () => {
  it.each(variants)('Next $nextMajor, env $env, typed $typed', async (variant) => {
    // The env-module variants carry the guide's tsconfig (strict: false, alias @/* → ./src/*),
    // the process variants none (Next's defaults): strict mode must hold either way.
    const { appDir, files } = await appFor(variant, { tsconfig: variant.env === 'module' });
    const sessionFile = variant.nextMajor === 16 ? 'proxy' : 'middleware';
    expect(files.sort()).toEqual(
      ['lib/supabase/admin.ts', 'lib/supabase/client.ts', 'lib/supabase/config.ts', 'lib/supabase/server.ts', `lib/supabase/${sessionFile}.ts`, `${sessionFile}.ts`].sort(),
    );

    const result = await typecheckWebFiles({ appDir, files });

    expect(result).toEqual({ status: 'ok' });
  });
});

describe('typecheckWebFiles reports what is wrong', () => {
  it('a type error injected into a client file, with file and line', async () => {
    const { appDir, files } = await appFor({ nextMajor: 16, env: 'process', typed: false });
    const clientFile = path.join(appDir, 'lib/supabase/client.ts');
    const lines = (await readFile(clientFile, 'utf8')).split('\n');
    const callLine = lines.findIndex((line) => line.includes('createBrowserClient('));
    lines[callLine] = lines[callLine]!.replace('supabasePublicKey()', '42');
    expect(lines[callLine]).toContain('createBrowserClient(supabaseUrl(), 42,');
    await writeFile(clientFile, lines.join('\n'));

    const result = await typecheckWebFiles({ appDir, files });

    expect(result.status).toBe('errors');
    if (result.status !== 'errors') return;
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ file: 'lib/supabase/client.ts', line: callLine + 1, code: 2769 });
    expect(result.diagnostics[0]?.message).toContain("Argument of type 'number' is not assignable to parameter of type 'string'");
  });

  it('strict mode is forced even when the app turns it off', async () => {
    const { appDir, files } = await appFor({ nextMajor: 16, env: 'module', typed: false }, { tsconfig: true });
    await writeFile(path.join(appDir, 'lib/loose.ts'), 'export function loose(value) {\n  return value;\n}\n');

    const result = await typecheckWebFiles({ appDir, files: [...files, 'lib/loose.ts'] });

    expect(result).toMatchObject({ status: 'errors', diagnostics: [{ file: 'lib/loose.ts', line: 1, code: 7006 }] });
  });

  it('the typed clients reject a wrong column; the untyped ones accept it', async () => {
    const usage = [
      "import { createClient } from './supabase/server';",
      "import { createAdminClient } from './supabase/admin';",
      '',
      'export async function rename(id: string) {',
      '  const supabase = await createClient();',
      "  await supabase.from('users').update({ name: 'Ada' }).eq('id', id);",
      "  await supabase.from('users').update({ nickname: 'Ada' }).eq('id', id);",
      "  await createAdminClient().from('jobs').insert({ user_id: id, job_type: 'render', priority: 1 });",
      '}',
      '',
    ].join('\n');
    const typed = await appFor({ nextMajor: 16, env: 'process', typed: true });
    const untyped = await appFor({ nextMajor: 16, env: 'process', typed: false });
    for (const app of [typed, untyped]) await writeFile(path.join(app.appDir, 'lib/usage.ts'), usage);

    const typedResult = await typecheckWebFiles({ appDir: typed.appDir, files: [...typed.files, 'lib/usage.ts'] });
    const untypedResult = await typecheckWebFiles({ appDir: untyped.appDir, files: [...untyped.files, 'lib/usage.ts'] });

    expect(untypedResult).toEqual({ status: 'ok' });
    expect(typedResult.status).toBe('errors');
    if (typedResult.status !== 'errors') return;
    const lines = usage.split('\n');
    expect(typedResult.diagnostics.map((d) => [d.file, d.line, d.column])).toEqual([
      ['lib/usage.ts', 7, lines[6]!.indexOf('nickname') + 1],
      ['lib/usage.ts', 8, lines[7]!.indexOf('priority') + 1],
    ]);
    expect(typedResult.diagnostics[0]?.message).toContain("'nickname' does not exist");
  });

  it('missing packages when the app has no node_modules', async () => {
    const appDir = await makeAppDir(null);
    appDirs.push(appDir);
    const files = await writeWebApp(appDir, variantContext({ nextMajor: 16, env: 'process', typed: false }));

    const result = await typecheckWebFiles({ appDir, files });

    expect(result).toEqual({
      status: 'missing',
      missing: ['typescript', '@supabase/ssr', '@supabase/supabase-js', 'next', 'server-only'],
    });
  });

  it('missing packages when only some are installed (the app has its compiler but not the clients)', async () => {
    const appDir = await makeAppDir(null);
    appDirs.push(appDir);
    await mkdir(path.join(appDir, 'node_modules'));
    for (const name of ['typescript', 'next']) {
      await symlink(path.join(deps.next16, name), path.join(appDir, 'node_modules', name), 'dir');
    }
    const files = await writeWebApp(appDir, variantContext({ nextMajor: 16, env: 'process', typed: false }));

    const result = await typecheckWebFiles({ appDir, files });

    expect(result).toEqual({ status: 'missing', missing: ['@supabase/ssr', '@supabase/supabase-js', 'server-only'] });
    await rm(path.join(appDir, 'node_modules'), { recursive: true });
  });
});

describe('typecheckWebFiles with a cache directory answers as the compiler would', () => {
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await makeAppDir(null);
    appDirs.push(cacheDir);
  });

  it('an unchanged app gets the recorded answer; an edit after it is compiled', async () => {
    const { appDir, files } = await appFor({ nextMajor: 16, env: 'process', typed: false });
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ status: 'ok' });
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ status: 'ok', reused: true });

    const clientFile = path.join(appDir, 'lib/supabase/client.ts');
    const source = await readFile(clientFile, 'utf8');
    await writeFile(clientFile, source.replace('supabasePublicKey()', '42'));
    const broken = await typecheckWebFiles({ appDir, files, cacheDir });
    expect(broken).toMatchObject({ status: 'errors', diagnostics: [{ file: 'lib/supabase/client.ts', code: 2769 }] });
    expect(broken).not.toHaveProperty('reused');
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ ...broken, reused: true });

    await writeFile(clientFile, source);
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ status: 'ok' });
  });

  it('a package installed where a module now resolves is noticed, though no file read before changed', async () => {
    const { appDir, files } = await appFor({ nextMajor: 16, env: 'process', typed: false });
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ status: 'ok' });
    // Closer to the importing files than the app's node_modules: @supabase/ssr now resolves here.
    const shadow = path.join(appDir, 'lib', 'supabase', 'node_modules', '@supabase', 'ssr');
    await mkdir(shadow, { recursive: true });
    await writeFile(path.join(shadow, 'package.json'), JSON.stringify({ name: '@supabase/ssr', version: '0.0.0', types: 'index.d.ts' }));
    await writeFile(path.join(shadow, 'index.d.ts'), 'export declare const nothing: true;\n');

    const result = await typecheckWebFiles({ appDir, files, cacheDir });

    expect(result.status).toBe('errors');
    expect(result).not.toHaveProperty('reused');
    if (result.status !== 'errors') return;
    expect(result.diagnostics.map((d) => d.code)).toContain(2305);
  });

  it('another set of files is another question', async () => {
    const { appDir, files } = await appFor({ nextMajor: 16, env: 'module', typed: false }, { tsconfig: true });
    expect(await typecheckWebFiles({ appDir, files, cacheDir })).toEqual({ status: 'ok' });
    await writeFile(path.join(appDir, 'lib/loose.ts'), 'export function loose(value) {\n  return value;\n}\n');

    const result = await typecheckWebFiles({ appDir, files: [...files, 'lib/loose.ts'], cacheDir });

    expect(result).toMatchObject({ status: 'errors', diagnostics: [{ file: 'lib/loose.ts', line: 1, code: 7006 }] });
    expect(result).not.toHaveProperty('reused');
  });
});
