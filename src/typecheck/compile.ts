import path from 'node:path';
import type { CompilerHost, CompilerOptions, Diagnostic, System } from 'typescript';
import { appCompilerOptions } from './compiler-options.js';
import { isDirectory, isFile, type ObservationLog, readValue, realPath, subdirectories } from './fs-observations.js';
import type { TypeScriptApi } from './load-typescript.js';
import type { CompiledResult, TypecheckDiagnostic } from './types.js';

/**
 * Typechecks `files` (absolute) in strict mode with the app's compiler options, as
 * `tsc --noEmit --strict` would, and notes in `log` every question the compiler asked the
 * filesystem (see fs-observations.ts): the result holds for as long as every answer does.
 */
export function compileWebFiles(ts: TypeScriptApi, appDir: string, files: readonly string[], log: ObservationLog): CompiledResult {
  const { options, errors } = appCompilerOptions(ts, appDir, observedSystem(ts, log));
  if (errors.length > 0) return { status: 'errors', diagnostics: errors.map((d) => toDiagnostic(ts, d, appDir)) };
  const program = ts.createProgram({ rootNames: files, options, host: observedHost(ts, options, log) });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) return { status: 'ok' };
  return { status: 'errors', diagnostics: diagnostics.map((d) => toDiagnostic(ts, d, appDir)) };
}

/**
 * The filesystem questions a compilation asks, answered with ts.sys's rules and noted. A file's
 * bytes are digested before the compiler reads them: a write in between shows on the next run.
 */
function observe(log: ObservationLog, readFile: (file: string) => string | undefined) {
  return {
    fileExists: (file: string) => log.note('file', file, isFile(file)),
    directoryExists: (dir: string) => log.note('dir', dir, isDirectory(dir)),
    getDirectories: (dir: string) => [...log.note('dirs', dir, subdirectories(dir))],
    realpath: (file: string) => log.note('realpath', file, realPath(file)),
    readFile: (file: string) => {
      log.note('read', file, readValue(file));
      return readFile(file);
    },
  };
}

/**
 * ts.sys for reading the configuration. Listing the files `include` matches is left out: the
 * files to check are given, and the list only ever yields "no inputs were found", which is ignored.
 */
function observedSystem(ts: TypeScriptApi, log: ObservationLog): System {
  return Object.assign(
    Object.create(ts.sys) as System,
    observe(log, (file) => ts.sys.readFile(file)),
    {
      readDirectory: () => [],
    },
  );
}

function observedHost(ts: TypeScriptApi, options: CompilerOptions, log: ObservationLog): CompilerHost {
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  // The host reads source files through its own readFile, so they are noted too.
  return Object.assign(host, observe(log, readFile));
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
