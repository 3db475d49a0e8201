import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/** Installed by scripts/install-test-deps.sh: real @supabase/supabase-js, @supabase/ssr and typescript. */
export const WEB_DEPS = path.resolve(import.meta.dirname, '../../.cache/web-deps/node_modules');

export interface CompileResult {
  readonly ok: boolean;
  /** tsc's diagnostics, one per line (`file(line,col): error TSxxxx: …`). */
  readonly diagnostics: readonly string[];
}

/**
 * Compiles `files` in strict mode with the real TypeScript and the real Supabase packages, the
 * way a Next.js app compiles (bundler resolution, ESNext modules).
 */
export async function compileStrict(files: Readonly<Record<string, string>>): Promise<CompileResult> {
  if (!existsSync(path.join(WEB_DEPS, '@supabase', 'supabase-js')) || !existsSync(path.join(WEB_DEPS, 'typescript'))) {
    throw new Error(`missing ${WEB_DEPS}: run scripts/install-test-deps.sh`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'types-check-'));
  try {
    await symlink(WEB_DEPS, path.join(dir, 'node_modules'), 'dir');
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM'],
          types: [],
          skipLibCheck: true,
          noUnusedLocals: false,
        },
        files: Object.keys(files),
      }),
    );
    const result = await execa(process.execPath, [path.join(WEB_DEPS, 'typescript', 'bin', 'tsc'), '-p', dir], {
      reject: false,
      cwd: dir,
    });
    const diagnostics = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
    return { ok: result.exitCode === 0, diagnostics };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
