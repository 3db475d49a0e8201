import type { MigrationFile, MigrationNaming } from '../detect/facts.js';

/**
 * Versions for `count` new migrations placed after `existing`: the next sequential numbers (in the
 * existing width, 5 digits by default), or UTC timestamps strictly after the newest version.
 */
export function nextMigrationVersions(
  existing: readonly MigrationFile[],
  naming: MigrationNaming,
  count: number,
  now: Date,
): string[] {
  return naming === 'sequential' ? nextSequential(existing, count) : nextTimestamps(existing, count, now);
}

function nextSequential(existing: readonly MigrationFile[], count: number): string[] {
  const width = Math.max(5, ...existing.map((m) => m.version.length));
  const last = existing.reduce((max, m) => (BigInt(m.version) > max ? BigInt(m.version) : max), 0n);
  return Array.from({ length: count }, (_, i) => (last + BigInt(i + 1)).toString().padStart(width, '0'));
}

function nextTimestamps(existing: readonly MigrationFile[], count: number, now: Date): string[] {
  const newest = existing.reduce<string | null>((max, m) => (max === null || m.version > max ? m.version : max), null);
  let next = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const newestDate = newest !== null ? parseTimestamp(newest) : null;
  if (newestDate !== null && next.getTime() <= newestDate.getTime()) next = new Date(newestDate.getTime() + 1000);
  return Array.from({ length: count }, (_, i) => formatTimestamp(new Date(next.getTime() + i * 1000)));
}

export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTimestamp(version: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
