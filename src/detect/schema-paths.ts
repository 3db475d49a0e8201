/**
 * The declarative schema files the Supabase CLI applies (`supabase db diff`, and the declarative
 * `db reset`), in its order, as its sources do it:
 * - `[db.migrations] schema_paths` set: each entry, relative to supabase/, is a Go `fs.Glob`
 *   pattern (`*` stops at `/`, no `**`), taken in the order written; each pattern's matches are
 *   sorted byte-wise, a matched directory gives its `.sql` files (recursively, sorted), and a
 *   file matched twice is applied the first time only.
 * - not set: every regular `.sql` file under supabase/schemas, in `filepath.Walk` order (each
 *   directory's entries sorted by name, depth first; symlinks are not followed).
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface SchemaPathFiles {
  /** Paths relative to the repo root (posix), in the order the CLI applies them. */
  readonly files: readonly string[];
  /** `schema_paths` entries that match no file (the CLI fails only when none matches at all). */
  readonly unmatched: readonly string[];
}

export const DEFAULT_SCHEMAS_DIR = 'supabase/schemas';

export async function schemaPathFiles(root: string, schemaPaths: readonly string[] | null): Promise<SchemaPathFiles> {
  if (schemaPaths === null || schemaPaths.length === 0) return { files: await walkSqlFiles(root, DEFAULT_SCHEMAS_DIR), unmatched: [] };
  const files: string[] = [];
  const seen = new Set<string>();
  const unmatched: string[] = [];
  for (const entry of schemaPaths) {
    const pattern = path.posix.join('supabase', entry);
    const matches = entry === '' || path.posix.isAbsolute(entry) || pattern.startsWith('../') ? [] : await glob(root, pattern);
    if (matches.length === 0) unmatched.push(entry);
    for (const match of matches.sort(byteOrder)) {
      const info = await stat(path.join(root, match)).catch(() => null);
      const found = info?.isDirectory() ? await sqlFilesUnder(root, match) : info ? [match] : [];
      for (const file of found) {
        if (seen.has(file)) continue;
        seen.add(file);
        files.push(file);
      }
    }
  }
  return { files, unmatched };
}

/** Go's `fs.Glob` over the repo: the paths (relative, posix) that match, segment by segment. */
export async function glob(root: string, pattern: string): Promise<string[]> {
  let paths = [''];
  for (const segment of pattern.split('/')) {
    if (!hasMeta(segment)) {
      paths = paths.map((p) => (p ? `${p}/${segment}` : segment));
      continue;
    }
    const matcher = segmentMatcher(segment);
    if (!matcher) return [];
    const next: string[] = [];
    for (const dir of paths) {
      const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
      for (const name of names.filter((n) => matcher.test(n))) next.push(dir ? `${dir}/${name}` : name);
    }
    paths = next;
  }
  const exists = await Promise.all(
    paths.map((p) =>
      stat(path.join(root, p)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return paths.filter((_, i) => exists[i]);
}

export const hasMeta = (segment: string) => /[*?[\\]/.test(segment);

/**
 * A Go `path.Match` pattern for one path segment as a RegExp: `*` any run of characters, `?`
 * one, `[…]` / `[^…]` a class with ranges, `\` escapes. Null for a malformed pattern (Go's
 * ErrBadPattern: the CLI matches nothing then).
 */
export function segmentMatcher(segment: string): RegExp | null {
  let source = '';
  for (let i = 0; i < segment.length; i += 1) {
    const ch = segment[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '\\') {
      i += 1;
      if (i >= segment.length) return null;
      source += escapeRegExp(segment[i]!);
    } else if (ch === '[') {
      const end = classEnd(segment, i);
      if (end < 0) return null;
      const body = segment.slice(i + 1, end);
      const negated = body.startsWith('^');
      const ranges = negated ? body.slice(1) : body;
      if (ranges === '') return null;
      source += `[${negated ? '^' : ''}${ranges.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(ch);
  }
  try {
    return new RegExp(`^${source}$`, 's');
  } catch {
    return null;
  }
}

/** Index of the `]` closing the class opened at `start`, honouring `\` escapes; -1 when unclosed. */
function classEnd(segment: string, start: number): number {
  for (let i = start + 1; i < segment.length; i += 1) {
    if (segment[i] === '\\') i += 1;
    else if (segment[i] === ']' && i > start + 1 + (segment[start + 1] === '^' ? 1 : 0)) return i;
  }
  return -1;
}

const escapeRegExp = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A matched directory's `.sql` files at any depth (following what the directory holds), sorted byte-wise. */
async function sqlFilesUnder(root: string, dir: string): Promise<string[]> {
  const names = ((await readdir(path.join(root, dir), { recursive: true }).catch(() => [])) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.sql'));
  const isFile = await Promise.all(
    names.map((name) =>
      stat(path.join(root, dir, name)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return names
    .filter((_, i) => isFile[i])
    .sort(byteOrder)
    .map((name) => `${dir}/${name}`);
}

/** `filepath.Walk` from `dir`: entries sorted by name, depth first, regular `.sql` files only. */
async function walkSqlFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir)).catch(() => null);
  if (entries === null) return [];
  const files: string[] = [];
  for (const name of entries.sort(byteOrder)) {
    const relative = `${dir}/${name}`;
    const info = await lstat(path.join(root, relative)).catch(() => null);
    if (info?.isDirectory()) files.push(...(await walkSqlFiles(root, relative)));
    else if (info?.isFile() && path.posix.extname(name) === '.sql') files.push(relative);
  }
  return files;
}

/** Go's `sort.Strings`: byte-wise on UTF-8. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
