/**
 * An engine image (an uncompressed tar of a PGlite data directory, as `dumpDataDir('none')`
 * writes it) read in place: each file's contents is a view of the image's bytes, not a copy.
 * Written into PGlite's in-memory filesystem as the files' own storage, booting copies the image
 * once (reading it) instead of three times (PGlite's loader reads it whole, slices each file out,
 * and copies each into the filesystem).
 */

export interface ImageEntry {
  /** Relative to the data directory, without a leading slash. */
  readonly path: string;
  /** A view of the image's bytes; null for a directory. */
  readonly data: Uint8Array | null;
}

/** A tar entry this reader does not take (links, long names, extended headers): the image goes to PGlite's own loader. */
export class UnreadableImageError extends Error {}

const BLOCK = 512;

/** The image's files and directories, in order; throws UnreadableImageError for anything else. */
export function imageEntries(image: Uint8Array): ImageEntry[] {
  const entries: ImageEntry[] = [];
  // A Buffer over the same bytes: its search and decoding run natively.
  const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  let offset = 0;
  while (offset + BLOCK <= image.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header[0] === 0 && header.every((byte) => byte === 0)) return entries;
    // The first header's checksum says the image is a tar; after it, fields that do not parse or
    // an entry running past the end do (summing every header costs more than reading the rest).
    if (offset === 0 && !checksumHolds(header)) throw new UnreadableImageError('the image does not start with a tar header');
    const name = text(header, 0, 100);
    const prefix = isUstar(header) ? text(header, 345, 155) : '';
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^\/+/, '').replace(/\/+$/, '');
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const start = offset + BLOCK;
    if (start + size > image.length) throw new UnreadableImageError(`tar entry ${path} runs past the image`);
    if (path.split('/').some((part) => part === '..')) throw new UnreadableImageError(`tar entry ${path} leaves the data directory`);
    if (type === '0' || type === '\0') entries.push({ path, data: image.subarray(start, start + size) });
    else if (type === '5') entries.push({ path, data: null });
    else throw new UnreadableImageError(`tar entry ${path} of type ${JSON.stringify(type)}`);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new UnreadableImageError('the image ends without the end-of-archive blocks');
}

/** The part of Emscripten's FS the entries are written with. */
export interface EmscriptenFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array, options: { canOwn: boolean }): void;
}

/** Writes the entries under `dataDir`; each file keeps its view of the image as its storage. */
export function writeImageEntries(fs: EmscriptenFs, dataDir: string, entries: readonly ImageEntry[]): void {
  const made = new Set<string>();
  const directory = (path: string) => {
    if (made.has(path)) return;
    fs.mkdirTree(path);
    made.add(path);
  };
  directory(dataDir);
  for (const { path, data } of entries) {
    const full = path ? `${dataDir}/${path}` : dataDir;
    if (data === null) {
      directory(full);
      continue;
    }
    directory(full.slice(0, full.lastIndexOf('/')));
    fs.writeFile(full, data, { canOwn: true });
  }
}

/** A NUL-terminated header field (the names of a data directory are ASCII). */
function text(header: Buffer, start: number, length: number): string {
  const nul = header.indexOf(0, start);
  return header.toString('utf8', start, nul === -1 || nul > start + length ? start + length : nul);
}

function octal(header: Buffer, start: number, length: number): number {
  const value = text(header, start, length).trim();
  if (!/^[0-7]*$/.test(value)) throw new UnreadableImageError(`tar header field ${JSON.stringify(value)} is not octal`);
  return value === '' ? 0 : parseInt(value, 8);
}

function isUstar(header: Buffer): boolean {
  return text(header, 257, 6).startsWith('ustar');
}

/** The header's checksum: its bytes summed with the checksum field read as spaces. */
function checksumHolds(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === octal(header, 148, 8);
}
