import { extensionsServerLacks } from '../../db/standin-server-extensions.js';
import { isDatabaseAccessError } from '../../db/throwaway-database.js';
import { extensionSupport } from '../../emulation/extensions.js';
import { CliError } from '../../errors.js';
import { repoCreatedExtensions, type CreatedExtension } from './repo-extensions.js';
import type { RepoSql } from './repo-scripts.js';

/** An extension the repo creates that Supabase provides, and whether the embedded engine runs it. */
export interface MissingExtension extends CreatedExtension {
  readonly embedded: boolean;
}

/**
 * Before a `--db-url` run: an extension the repo creates that Supabase provides and the server
 * has no build of would fail the migrations for the server's sake, not the repo's. That is said
 * instead, before anything runs (a CliError 'environment'). Extensions with a stand-in are left
 * out (they get it on the server too), and so are those Supabase does not provide (the repo's
 * own problem, reported by the migrations check). A server that cannot be reached is left to
 * the run, which reports it.
 */
export async function requireServerExtensions(dbUrl: string, repo: RepoSql): Promise<void> {
  const wanted = (await repoCreatedExtensions(repo)).filter((e) => {
    const support = extensionSupport(e.name);
    return support !== undefined && support.kind !== 'stand-in';
  });
  const lacking = await extensionsServerLacks(
    dbUrl,
    wanted.map((e) => e.name),
  ).catch((error: unknown): string[] => {
    if (isDatabaseAccessError(error)) return [];
    throw error;
  });
  const missing = wanted
    .filter((e) => lacking.includes(e.name))
    .map((e) => ({ ...e, embedded: extensionSupport(e.name)?.kind !== 'unsupported' }));
  if (missing.length > 0) throw new CliError('environment', missingExtensionsMessage(missing));
}

/** One line: which extensions, where the repo creates them, and what to do. */
export function missingExtensionsMessage(missing: readonly MissingExtension[]): string {
  const one = missing.length === 1;
  const list = missing.map((e) => `${e.name} (${e.file}:${e.line})`).join(', ');
  const noBuild = missing.filter((e) => !e.embedded).map((e) => e.name);
  const instead =
    noBuild.length === 0
      ? `, or run verify-phase without --db-url, whose embedded engine runs ${one ? 'it' : 'them'}`
      : ` (the embedded engine has no build of ${noBuild.join(', ')} either)`;
  return (
    `the repo creates ${one ? 'extension' : 'extensions'} ${list}, which Supabase provides but the --db-url server does not have ` +
    `(not in pg_available_extensions): install ${one ? 'it' : 'them'} on that server${instead}`
  );
}
