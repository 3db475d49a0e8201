import path from 'node:path';

/** Relative import specifier from one generated file to another (no extension). */
export function relativeImport(fromFile: string, toFileWithoutExt: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromFile), toFileWithoutExt);
  return rel.startsWith('.') ? rel : `./${rel}`;
}
