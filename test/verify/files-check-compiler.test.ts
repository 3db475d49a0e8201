import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAppTypeScript } from '../../src/typecheck/load-typescript.js';
import { filesCheck } from '../../src/verify/phase-04/files-check.js';
import { repoContextFor } from '../../src/verify/verify.js';
import type { RepoContext } from '../../src/verify/types.js';
import { copyRepo, generatedRepo, removeTempDirs, writeRepoFile } from './helpers/repo.js';

vi.mock(import('../../src/typecheck/load-typescript.js'), async (importOriginal) => {
  const actual = await importOriginal();
  return { ...actual, loadAppTypeScript: vi.fn(actual.loadAppTypeScript) };
});

/**
 * The files check reads the phase's web modules as text and loads the compiler (a few hundred
 * milliseconds and tens of MB, on the thread the embedded engine runs on) only to confirm what
 * the text does not show.
 */
let good: string;

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(removeTempDirs);

beforeEach(() => {
  vi.mocked(loadAppTypeScript).mockClear();
});

function contextOf(root: string): Promise<RepoContext> {
  return repoContextFor({ root, dbUrl: null, grants: ['legacy'], skip: [], strict: false, advisors: 'warn', python: null });
}

describe('files check and the compiler', () => {
  it('passes a generated repo (whose web app has TypeScript installed) without loading TypeScript', async () => {
    expect(await filesCheck.run(await contextOf(good))).toEqual({ status: 'pass', warnings: [] });
    expect(loadAppTypeScript).not.toHaveBeenCalled();
  });

  it('asks the parser about an export the text does not show, and takes its answer', async () => {
    const repo = await copyRepo(good, 'default-export');
    await writeRepoFile(repo, 'apps/web/lib/supabase/admin.ts', 'export default function createAdminClient() {\n  return null;\n}\n');
    expect(await filesCheck.run(await contextOf(repo))).toEqual({ status: 'pass', warnings: [] });
    expect(loadAppTypeScript).toHaveBeenCalled();
  });

  it('asks the parser when the text shows no session refresh, and reports its answer', async () => {
    const repo = await copyRepo(good, 'no-refresh-text');
    await writeRepoFile(
      repo,
      'apps/web/proxy.ts',
      "import { NextResponse } from 'next/server';\n\nexport function proxy() {\n  return NextResponse.next();\n}\n",
    );
    const outcome = await filesCheck.run(await contextOf(repo));
    expect(outcome.status === 'fail' ? outcome.findings.map((f) => f.message) : []).toContainEqual(
      expect.stringContaining('does not call updateSession(request)'),
    );
    expect(loadAppTypeScript).toHaveBeenCalled();
  });
});
