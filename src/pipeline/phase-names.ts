/**
 * Before --append writes, the repo's migrations are applied on the embedded engine (the
 * Supabase emulation) and the catalog says which objects they define, and in which file. The
 * phase's own objects are known from the build (phase-objects.ts), or read the same way (its
 * migrations on the clean emulation, rolled back). Then:
 * - a trigger function or auth.users trigger of the phase whose name the repo already uses gets
 *   the name with the suffix (never `create or replace` over the repo's own);
 * - any other object both define (a table, index, type, policy…) is a conflict: refused with
 *   the list, before anything is written;
 * - the phase's migrations, under their final names, must then apply after the repo's; the
 *   engine is handed back holding both, so the `Database` types are read without applying the
 *   migrations a second time.
 */
import path from 'node:path';
import { applyMigrations, fileApplier, isMigrationError, type SqlFile } from '../db/apply-migrations.js';
import { openPreparedEngine, type EngineLimits } from '../db/engine-cache.js';
import { keepsDataOnDisk } from '../db/engine-data-dir.js';
import { embeddedExtensionsFor, withImageModulesOnMiss } from '../emulation/extensions.js';
import type { SqlEngine } from '../db/engine.js';
import { CliError } from '../errors.js';
import {
  PHASE_NAME_SUFFIX,
  PHASE_ROUTINE_KEYS,
  PHASE_ROUTINE_NAMES,
  type PhaseRoutineNames,
  type PhaseRoutineRole,
} from '../phase-04/spec.js';
import { knownPhaseObjects, namedObjects, readPhaseObjects, type NamedObject } from './phase-objects.js';

export interface PhaseNames {
  readonly names: PhaseRoutineNames;
  /** `public.handle_new_user() → public.handle_new_user_phase04()` lines for the report. */
  readonly renamed: readonly string[];
}

export interface PhaseNamesRequest {
  /** The repo's migrations in the CLI's order, names as shown in errors. */
  readonly repoMigrations: readonly SqlFile[];
  /** The phase's migrations rendered with the given names. */
  readonly renderPhase: (names: PhaseRoutineNames) => Promise<readonly SqlFile[]>;
  /** The engine's statement time limit and what stops it. */
  readonly limits?: EngineLimits | undefined;
}

/**
 * The engine the names were resolved on, left holding the repo's migrations followed by the
 * phase's under their final names: what the `Database` types are read from. The caller closes it.
 */
export interface AppendedDatabase {
  readonly engine: SqlEngine;
  /** The files it holds, in the order they were applied. */
  readonly applied: readonly SqlFile[];
}

export interface ResolvedPhaseNames extends PhaseNames {
  readonly database: AppendedDatabase;
}

export async function resolvePhaseNames(request: PhaseNamesRequest): Promise<ResolvedPhaseNames> {
  const draft = await request.renderPhase(PHASE_ROUTINE_NAMES);
  const extensions = embeddedExtensionsFor([...request.repoMigrations, ...draft].map((m) => m.sql));
  const known = await knownPhaseObjects(draft);
  return withImageModulesOnMiss(
    extensions,
    async (loaded) =>
      (await resolveOnEngine(request, draft, known, loaded, 'files naming them')) ??
      (await resolveOnEngine(request, draft, known, loaded, 'every file'))!,
  );
}

/**
 * After which of the repo's files the catalog is searched for the watched objects. After every
 * file is exact, but a search costs about as much as applying a small file. After the files
 * naming one of them (or the table an index or sequence name starts with) is exact as long as
 * each watched object appears after such a file; one that appears after another file (dynamic
 * SQL, a function defined earlier, an index made for a partition) shows at the next search, and
 * the run is given up (null) for one that searches after every file.
 */
type Searched = 'files naming them' | 'every file';

async function resolveOnEngine(
  request: PhaseNamesRequest,
  draft: readonly SqlFile[],
  known: readonly NamedObject[] | null,
  extensions: readonly string[],
  searched: Searched,
): Promise<ResolvedPhaseNames | null> {
  const limits = {
    ...request.limits,
    dataOnDisk: request.limits?.dataOnDisk ?? keepsDataOnDisk([...request.repoMigrations, ...draft]),
    commitsFileByFile: true,
  };
  const { engine } = await openPreparedEngine('current', { extensions, limits });
  try {
    const phase = known ?? (await readPhaseObjects(engine, draft));
    const watched = watchedObjects(phase);
    const baseline = new Set((await namedObjects(engine, watched.idents)).map((o) => o.key));
    const owners = await applyRepoMigrations(engine, request.repoMigrations, baseline, watched, searched);
    if (owners === null) {
      await engine.close();
      return null;
    }
    const { names, renamed } = chooseNames(owners);
    const routineKeys = new Set(Object.keys(PHASE_ROUTINE_NAMES).map((role) => routineKey(role as PhaseRoutineRole, PHASE_ROUTINE_NAMES)));
    const clashing = phase.filter((o) => !routineKeys.has(o.key) && owners.has(o.key));
    // An index, trigger or policy on a table that is itself in the way adds nothing to the list.
    const clashingKeys = new Set(clashing.map((o) => o.key));
    const conflicts = clashing.filter((o) => o.parent === null || !clashingKeys.has(o.parent));
    for (const role of Object.keys(names) as PhaseRoutineRole[]) {
      const key = routineKey(role, names);
      if (names[role] !== PHASE_ROUTINE_NAMES[role] && owners.has(key)) {
        conflicts.push({
          kind: role.endsWith('Function') ? 'function' : 'trigger',
          key,
          ident: names[role],
          name: describeRoutine(role, names[role]).replace(/^\w+ /, ''),
          parent: null,
        });
      }
    }
    if (conflicts.length > 0) {
      const list = conflicts.map((o) => `${o.kind} ${o.name} (${owners.get(o.key)})`);
      throw new CliError(
        'refused',
        `--append refused: existing migrations already define objects the phase creates: ${list.join('; ')}`,
        list,
      );
    }
    const final = await request.renderPhase(names);
    await applyPhase(engine, final);
    return { names, renamed, database: { engine, applied: [...request.repoMigrations, ...final] } };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** The objects whose first definer the decision needs: the phase's, and its routines under either name. */
interface Watched {
  readonly keys: ReadonlySet<string>;
  /** Their own names: what the catalog is searched by. */
  readonly idents: readonly string[];
  /** Whether a file's SQL names one of them (see `namingPattern`). */
  readonly namedBy: (sql: string) => boolean;
}

function watchedObjects(phase: readonly NamedObject[]): Watched {
  const keys = new Set(phase.map((o) => o.key));
  const idents = new Set(phase.map((o) => o.ident));
  for (const role of Object.keys(PHASE_ROUTINE_NAMES) as PhaseRoutineRole[]) {
    for (const name of [PHASE_ROUTINE_NAMES[role], `${PHASE_ROUTINE_NAMES[role]}${PHASE_NAME_SUFFIX}`]) {
      keys.add(PHASE_ROUTINE_KEYS[role](name));
      idents.add(name);
    }
  }
  const pattern = namingPattern([...idents]);
  return { keys, idents: [...idents], namedBy: (sql) => pattern.test(sql) };
}

/** Suffixes of the names PostgreSQL makes up for indexes, constraints and sequences. */
const IMPLICIT_NAME = /_(?:pkey|key|excl|idx|seq)$/;

/**
 * Any of the names as a whole identifier, in any case (quoted or not). A name PostgreSQL makes
 * up (`users_pkey`, `subscriptions_stripe_subscription_id_key`) starts with its table's name,
 * which the SQL creating it names: each `_`-prefix of such a name counts too.
 */
function namingPattern(idents: readonly string[]): RegExp {
  const words = new Set<string>();
  for (const ident of idents) {
    words.add(ident.toLowerCase());
    if (!IMPLICIT_NAME.test(ident)) continue;
    for (let at = ident.indexOf('_'); at > 0; at = ident.indexOf('_', at + 1)) words.add(ident.slice(0, at).toLowerCase());
  }
  const escaped = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}_$])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_$])`, 'iu');
}

/**
 * Applies the repo's files; returns each watched object they define and the first file that
 * did, or null when `files naming them` cannot say which file that was. Searching the catalog
 * after every file costs about as much as applying the file. A file searched after is applied on
 * its own; the files between two such go together (see applyMigrations), each still in its own
 * transaction.
 */
async function applyRepoMigrations(
  engine: SqlEngine,
  files: readonly SqlFile[],
  baseline: ReadonlySet<string>,
  watched: Watched,
  searched: Searched,
): Promise<Map<string, string> | null> {
  const owners = new Map<string, string>();
  const appeared = async () =>
    (await namedObjects(engine, watched.idents)).filter((o) => watched.keys.has(o.key) && !baseline.has(o.key) && !owners.has(o.key));
  // Whether the catalog was searched after the previous file (or, for the first, is the baseline).
  let searchedBefore = true;
  const applyAlone = await fileApplier(engine);
  let unsearched: SqlFile[] = [];
  const applyUnsearched = async () => {
    if (unsearched.length > 0) await asRepoMigrations(() => applyMigrations(engine, unsearched));
    unsearched = [];
  };
  for (const file of files) {
    if (searched !== 'every file' && !watched.namedBy(file.sql)) {
      unsearched.push(file);
      searchedBefore = false;
      continue;
    }
    await applyUnsearched();
    if (!searchedBefore && (await appeared()).length > 0) return null;
    await asRepoMigrations(() => applyAlone(file));
    for (const object of await appeared()) owners.set(object.key, path.posix.basename(file.name));
    searchedBefore = true;
  }
  await applyUnsearched();
  if (!searchedBefore && (await appeared()).length > 0) return null;
  return owners;
}

/** The repo's migrations applied by `apply`: one that fails is the run's error, and nothing is written. */
async function asRepoMigrations(apply: () => Promise<unknown>): Promise<void> {
  try {
    await apply();
  } catch (error) {
    if (!isMigrationError(error)) throw error;
    throw new CliError(
      'migration',
      `${error.message} (your migration fails on the Supabase emulation; nothing was written)`,
      [error.message],
      {
        cause: error,
      },
    );
  }
}

function chooseNames(owners: ReadonlyMap<string, string>): PhaseNames {
  const names: Record<PhaseRoutineRole, string> = { ...PHASE_ROUTINE_NAMES };
  const renamed: string[] = [];
  for (const role of Object.keys(PHASE_ROUTINE_NAMES) as PhaseRoutineRole[]) {
    const key = routineKey(role, PHASE_ROUTINE_NAMES);
    const owner = owners.get(key);
    if (owner === undefined) continue;
    names[role] = `${PHASE_ROUTINE_NAMES[role]}${PHASE_NAME_SUFFIX}`;
    renamed.push(`${describeRoutine(role, PHASE_ROUTINE_NAMES[role])} is defined by ${owner}: the phase's is named ${names[role]}`);
  }
  return { names, renamed };
}

const routineKey = (role: PhaseRoutineRole, names: PhaseRoutineNames) => PHASE_ROUTINE_KEYS[role](names[role]);

function describeRoutine(role: PhaseRoutineRole, name: string): string {
  return role.endsWith('Function') ? `function public.${name}()` : `trigger ${name} on auth.users`;
}

/** The phase's migrations, with their final names, after the repo's: they must apply. */
async function applyPhase(engine: SqlEngine, files: readonly SqlFile[]): Promise<void> {
  try {
    await applyMigrations(engine, files);
  } catch (error) {
    if (!isMigrationError(error)) throw error;
    throw new CliError('refused', `--append refused: the phase's migrations do not apply after yours: ${error.message}`, [error.message], {
      cause: error,
    });
  }
}
