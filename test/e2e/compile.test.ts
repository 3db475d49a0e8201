import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { typecheckWebFiles } from '../../src/typecheck/index.js';
import { removeTempDirs, tempCopy } from '../helpers/fixtures.js';
import { runJson } from '../helpers/run-bin.js';
import { cachedWebDeps } from '../templates/web-app.js';

let deps: { next16: string; next15: string };
beforeAll(async () => {
  deps = await cachedWebDeps();
});
afterAll(removeTempDirs);

/**
 * Generates into a fixture with the real bin (Database types included), links the real installed
 * next / react / @supabase/* / typescript into the app, and typechecks every generated web file.
 */
async function generateAndTypecheck(fixture: string, appDir: string, nodeModules: () => string) {
  const target = await tempCopy(fixture);
  const { result, report } = await runJson([target, '--yes', '--no-install']);
  expect(result.exitCode, result.stderr).toBe(0);
  await symlink(nodeModules(), path.join(target, appDir, 'node_modules'), 'dir');
  const webFiles = report.files
    .filter((f) => (f.group === 'web' || f.group === 'types') && f.status === 'create' && f.path.startsWith(appDir))
    .map((f) => path.relative(appDir, f.path));
  const typecheck = await typecheckWebFiles({ appDir: path.join(target, appDir), files: webFiles });
  return { report, webFiles, typecheck };
}

describe('generated TypeScript compiles with tsc --strict against the real packages', () => {
  it('in the guide phase-03 monorepo (Next 16, lib/env.ts, @/* → ./src/*)', async () => {
    const { report, webFiles, typecheck } = await generateAndTypecheck('phase03-monorepo', 'apps/web', () => deps.next16);
    expect(webFiles).toEqual(expect.arrayContaining(['lib/supabase/client.ts', 'lib/supabase/proxy.ts', 'proxy.ts']));
    expect(report.files.find((f) => f.group === 'types')?.path).toBe('packages/types/src/database.ts');
    expect(typecheck).toEqual({ status: 'ok' });
  });

  it('in a single Next 15 app with src/', async () => {
    const { webFiles, typecheck } = await generateAndTypecheck('next15-src-npm', '', () => deps.next15);
    expect(webFiles).toEqual(
      expect.arrayContaining(['src/lib/supabase/middleware.ts', 'src/middleware.ts', 'src/lib/supabase/database.types.ts']),
    );
    expect(typecheck).toEqual({ status: 'ok' });
  });
});
