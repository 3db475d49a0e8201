import type { MigrationFile, MigrationNaming } from '../detect/facts.js';
import { CliError } from '../errors.js';

/**
 * Versions for `count` new migrations placed after `existing`.
 *
 * The Supabase CLI orders migrations by version compared as strings, so the rule is stated on
 * strings. Let `newest` be the greatest existing version as a string (versions of files the CLI
 * ignores but that start with digits, like `00001_init.SQL`, count too: a version is never reused).
 *
 * - Sequential, no existing version: `00001`, `00002`, …
 * - Sequential: `newest + i` written in the width of `newest` (`0001` → `0002`, `1` → `2`,
 *   `00012` → `00013`): same width and numerically greater, hence greater as a string than
 *   `newest` and so than every other version. When that overflows the width (`99999`, `9`), the
 *   new versions are `newest` followed by `i` padded to the digits of `count` (`999991`,
 *   `999992`): a string that extends another sorts after it.
 * - Timestamp: UTC `YYYYMMDDHHMMSS`, one second apart, from now or one second after `newest`,
 *   whichever is later. Past `99991231235959` there is no valid 14-digit timestamp: refused.
 *
 * Every result is checked before it is returned: digits only, strictly increasing, each greater
 * than every existing version.
 */
export function nextMigrationVersions(existing: readonly MigrationFile[], naming: MigrationNaming, count: number, now: Date): string[] {
  const newest = existing.reduce<string | null>((max, m) => (max === null || m.version > max ? m.version : max), null);
  const versions = naming === 'sequential' ? nextSequential(newest, count) : nextTimestamps(newest, count, now);
  assertSortAfter(existing, versions);
  return versions;
}

/** Leading-digit versions of files the CLI ignores (`00001_init.SQL`): not migrations, but not to be reused. */
export function versionsOfIgnoredFiles(names: readonly string[]): MigrationFile[] {
  return names.flatMap((name) => {
    const version = /^([0-9]+)_/.exec(name)?.[1];
    return version ? [{ name, version }] : [];
  });
}

function nextSequential(newest: string | null, count: number): string[] {
  if (newest === null) return Array.from({ length: count }, (_, i) => String(i + 1).padStart(5, '0'));
  const width = newest.length;
  const last = BigInt(newest);
  if ((last + BigInt(count)).toString().length <= width) {
    return Array.from({ length: count }, (_, i) => (last + BigInt(i + 1)).toString().padStart(width, '0'));
  }
  const suffixWidth = String(count).length;
  return Array.from({ length: count }, (_, i) => newest + String(i + 1).padStart(suffixWidth, '0'));
}

const LAST_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59);

function nextTimestamps(newest: string | null, count: number, now: Date): string[] {
  let next = Math.floor(now.getTime() / 1000) * 1000;
  const newestDate = newest !== null ? parseTimestamp(newest) : null;
  if (newestDate !== null && next <= newestDate) next = newestDate + 1000;
  if (next + (count - 1) * 1000 > LAST_TIMESTAMP) {
    throw new CliError(
      'layout',
      `supabase/migrations: no valid 14-digit timestamp sorts after ${newest}; rename that migration's version or add ours by hand`,
    );
  }
  return Array.from({ length: count }, (_, i) => formatTimestamp(new Date(next + i * 1000)));
}

export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Milliseconds of a 14-digit version read as a UTC timestamp (out-of-range fields roll over). */
function parseTimestamp(version: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function assertSortAfter(existing: readonly MigrationFile[], versions: readonly string[]): void {
  let previous = existing.reduce((max, m) => (m.version > max ? m.version : max), '');
  for (const version of versions) {
    if (!/^[0-9]+$/.test(version) || version <= previous) {
      throw new CliError(
        'layout',
        `supabase/migrations: cannot number new migrations after ${previous || 'the existing ones'} (got ${version}); add them by hand with a greater version`,
      );
    }
    previous = version;
  }
}
