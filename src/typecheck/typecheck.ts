import path from 'node:path';
import type { Diagnostic } from 'typescript';
import { appCompilerOptions } from './compiler-options.js';
import { importedPackages, missingPackages, readSources } from './installed-packages.js';
import { loadAppTypeScript, type TypeScriptApi } from './load-typescript.js';
import type { TypecheckDiagnostic, TypecheckOptions, TypecheckResult } from './types.js';

/**
 * Typechecks the given files in strict mode with the app's own TypeScript and the packages the
 * app installed (next, @supabase/ssr, @supabase/supabase-js…), as `tsc --noEmit --strict` would.
 * Reports `missing` instead of compiling when the compiler or an imported package is absent.
 */
export async function typecheckWebFiles(options: TypecheckOptions): Promise<TypecheckResult> {
  const appDir = path.resolve(options.appDir);
  const files = options.files.map((file) => path.resolve(appDir, file));

  const needed = ['typescript', ...importedPackages(await readSources(files))];
  const missing = await missingPackages(appDir, [...new Set(needed)]);
  if (missing.length > 0) return { status: 'missing', missing };

  const ts = await loadAppTypeScript(appDir);
  if (!ts) return { status: 'missing', missing: ['typescript'] };

  const { options: compilerOptions, errors } = appCompilerOptions(ts, appDir);
  if (errors.length > 0) return { status: 'errors', diagnostics: errors.map((d) => toDiagnostic(ts, d, appDir)) };

  const program = ts.createProgram({ rootNames: files, options: compilerOptions });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) return { status: 'ok' };
  return { status: 'errors', diagnostics: diagnostics.map((d) => toDiagnostic(ts, d, appDir)) };
}

function toDiagnostic(ts: TypeScriptApi, diagnostic: Diagnostic, appDir: string): TypecheckDiagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const { file, start } = diagnostic;
  if (!file) return { file: null, line: null, column: null, code: diagnostic.code, message };
  const { line, character } = file.getLineAndCharacterOfPosition(start ?? 0);
  return { file: displayPath(file.fileName, appDir), line: line + 1, column: character + 1, code: diagnostic.code, message };
}

/** Relative to the app (posix) when inside it; absolute otherwise. */
function displayPath(fileName: string, appDir: string): string {
  const relative = path.relative(appDir, path.resolve(fileName));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return fileName;
  return relative.split(path.sep).join('/');
}
