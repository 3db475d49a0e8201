/**
 * Supabase's extension list, and what each one is here: run for real by the embedded engine
 * (PGlite's contrib archives and its pgvector/pgTAP packages), or stood in for by SQL that creates
 * the extension's real schema, tables and function signatures (`extensions/<name>.sql`), or not
 * available at all. Also finds which extensions migrations create, so an engine loads only those.
 */
import type { Extension } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { statementsOf, withoutComments } from '../db/split-statements.js';

/** How the embedded engine provides an extension. */
export type ExtensionSupport =
  /**
   * Present in every engine (the prepared image creates it). Its module, when it has one, is
   * loaded only by an engine whose SQL calls it (see `embeddedExtensionsFor`): loading pgcrypto's
   * takes a quarter of a second at every boot.
   */
  | { readonly kind: 'builtin'; readonly module?: ModuleRef }
  /** Run for real; the module is loaded when an engine is created with it. */
  | { readonly kind: 'embedded'; readonly module: ModuleRef; readonly requires?: readonly string[] }
  /** Emulated by `extensions/<name>.sql`: the objects exist, the behaviour is not the real one. */
  | { readonly kind: 'stand-in'; readonly requires?: readonly string[]; readonly note: string }
  /** Neither: `create extension` fails, with `reason` said. */
  | { readonly kind: 'unsupported'; readonly reason: string };

interface ModuleRef {
  /** The package export to import. */
  readonly specifier: string;
  /** The module's named export holding the PGlite extension. */
  readonly exportName: string;
}

const contribModule = (exportName: string): ModuleRef => ({ specifier: `@electric-sql/pglite/contrib/${exportName}`, exportName });
const contrib = (exportName: string, requires?: readonly string[]): ExtensionSupport => ({
  kind: 'embedded',
  module: contribModule(exportName),
  ...(requires ? { requires } : {}),
});
/** autoinc, insert_username, moddatetime and refint share PGlite's `spi` archive. */
const spi = contrib('moddatetime');
const standIn = (note: string, requires?: readonly string[]): ExtensionSupport => ({
  kind: 'stand-in',
  note,
  ...(requires ? { requires } : {}),
});
const NO_EMBEDDED_BUILD = 'the embedded engine has no build of it: use --db-url with a server that has it';

/** Every extension a Supabase project offers (Database → Extensions), by name. */
export const SUPABASE_EXTENSIONS: Readonly<Record<string, ExtensionSupport>> = {
  plpgsql: { kind: 'builtin' },
  'uuid-ossp': { kind: 'builtin', module: contribModule('uuid_ossp') },
  pgcrypto: { kind: 'builtin', module: contribModule('pgcrypto') },
  amcheck: contrib('amcheck'),
  autoinc: spi,
  bloom: contrib('bloom'),
  btree_gin: contrib('btree_gin'),
  btree_gist: contrib('btree_gist'),
  citext: contrib('citext'),
  cube: contrib('cube'),
  dict_int: contrib('dict_int'),
  dict_xsyn: contrib('dict_xsyn'),
  earthdistance: contrib('earthdistance', ['cube']),
  fuzzystrmatch: contrib('fuzzystrmatch'),
  hstore: contrib('hstore'),
  insert_username: spi,
  intarray: contrib('intarray'),
  isn: contrib('isn'),
  lo: contrib('lo'),
  ltree: contrib('ltree'),
  moddatetime: spi,
  pageinspect: contrib('pageinspect'),
  pg_buffercache: contrib('pg_buffercache'),
  pg_freespacemap: contrib('pg_freespacemap'),
  pg_stat_statements: contrib('pg_stat_statements'),
  pg_surgery: contrib('pg_surgery'),
  pg_trgm: contrib('pg_trgm'),
  pg_visibility: contrib('pg_visibility'),
  pg_walinspect: contrib('pg_walinspect'),
  refint: spi,
  seg: contrib('seg'),
  tablefunc: contrib('tablefunc'),
  tcn: contrib('tcn'),
  tsm_system_rows: contrib('tsm_system_rows'),
  tsm_system_time: contrib('tsm_system_time'),
  unaccent: contrib('unaccent'),
  vector: { kind: 'embedded', module: { specifier: '@electric-sql/pglite-pgvector', exportName: 'vector' } },
  pgtap: { kind: 'embedded', module: { specifier: '@electric-sql/pglite-pgtap', exportName: 'pgtap' } },

  pg_net: standIn('requests are queued in net.http_request_queue, never sent'),
  pg_cron: standIn('jobs are recorded in cron.job, never run'),
  supabase_vault: standIn('secrets are stored encoded, not encrypted'),
  pgsodium: standIn('key table and a few helpers only; no encryption'),
  pg_graphql: standIn('graphql.resolve answers with an error, it resolves no query'),
  pgjwt: standIn('sign and verify are implemented with pgcrypto (HS256/384/512)', ['pgcrypto']),
  http: standIn('every request raises an error: no request is made'),
  pg_tle: standIn('extensions installed through pgtle are recorded, not created'),
  pgmq: standIn('queues are plain tables; visibility timeouts are honoured on read'),
  wrappers: standIn('no foreign data wrapper handler exists: foreign servers and tables cannot be created'),
  pg_jsonschema: standIn('schemas are not checked: every instance matches'),
  hypopg: standIn('hypothetical indexes are listed, never planned with'),
  index_advisor: standIn('never suggests an index', ['hypopg']),

  plv8: {
    kind: 'unsupported',
    reason:
      'plv8 is a language (JavaScript in PostgreSQL): no SQL can stand in for it, and functions written in it cannot be created. Use --db-url with a server that has plv8',
  },
  plpgsql_check: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  postgis: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  postgis_raster: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  postgis_topology: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  postgis_tiger_geocoder: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  address_standardizer: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pgrouting: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pgroonga: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  rum: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  timescaledb: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pgaudit: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pg_repack: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pg_hashids: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pg_stat_monitor: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pg_partman: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pg_prewarm: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pgrowlocks: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  pgstattuple: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  postgres_fdw: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  dblink: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  sslinfo: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
  xml2: { kind: 'unsupported', reason: NO_EMBEDDED_BUILD },
};

export function extensionSupport(name: string): ExtensionSupport | undefined {
  return Object.hasOwn(SUPABASE_EXTENSIONS, name) ? SUPABASE_EXTENSIONS[name] : undefined;
}

/** An extension a migration created through its stand-in, for the report. */
export interface EmulatedExtension {
  readonly name: string;
  /** What the stand-in does not do, e.g. "jobs are recorded in cron.job, never run". */
  readonly note: string;
}

/** The label reports give every emulated extension. */
export const EMULATED_LABEL = 'DDL only: behaviour not verified';

// ---------------------------------------------------------------------------------------------
// Extension statements in a script.

/** A `create extension` / `drop extension` / `comment on extension` statement of a script. */
export type ExtensionStatement =
  | {
      readonly action: 'create';
      readonly name: string;
      readonly ifNotExists: boolean;
      readonly schema: string | null;
      readonly cascade: boolean;
      readonly offset: number;
      readonly sql: string;
    }
  | {
      readonly action: 'drop';
      readonly names: readonly string[];
      readonly ifExists: boolean;
      readonly offset: number;
      readonly sql: string;
    }
  | { readonly action: 'other'; readonly name: string; readonly offset: number; readonly sql: string };

/** Cheap test before splitting a script: most migration files name no extension. */
const MENTIONS_EXTENSION = /\bextension\b/i;

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$-]*)`;
const CREATE = new RegExp(String.raw`^create\s+extension\s+(if\s+not\s+exists\s+)?(${IDENT})([\s\S]*)$`, 'i');
const DROP = new RegExp(String.raw`^drop\s+extension\s+(if\s+exists\s+)?(${IDENT}(?:\s*,\s*${IDENT})*)\s*(cascade|restrict)?\s*$`, 'i');
const OTHER = new RegExp(String.raw`^(?:alter\s+extension|comment\s+on\s+extension)\s+(${IDENT})`, 'i');

/** The extension statements of a script, in order, found statement by statement. */
export function extensionStatements(script: string): ExtensionStatement[] {
  if (!MENTIONS_EXTENSION.test(script)) return [];
  const found: ExtensionStatement[] = [];
  for (const { sql, offset } of statementsOf(script)) {
    const statement = extensionStatement(sql, offset);
    if (statement) found.push(statement);
  }
  return found;
}

/** One statement (as splitStatements gives it) read as an extension statement, or null. */
export function extensionStatement(sql: string, offset: number): ExtensionStatement | null {
  const create = CREATE.exec(sql);
  if (create) {
    const options = create[3] ?? '';
    const schema = new RegExp(String.raw`\bschema\s+(${IDENT})`, 'i').exec(options)?.[1];
    return {
      action: 'create',
      name: identifier(create[2]!),
      ifNotExists: Boolean(create[1]),
      schema: schema ? identifier(schema) : null,
      cascade: /\bcascade\s*$/i.test(options),
      offset,
      sql,
    };
  }
  const drop = DROP.exec(sql);
  if (drop) {
    const names = drop[2]!.match(new RegExp(IDENT, 'g'))!.map(identifier);
    return { action: 'drop', names, ifExists: Boolean(drop[1]), offset, sql };
  }
  const other = OTHER.exec(sql);
  return other ? { action: 'other', name: identifier(other[1]!), offset, sql } : null;
}

/** `"uuid-ossp"` → `uuid-ossp`; an unquoted name folds to lower case, as PostgreSQL does. */
function identifier(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

/**
 * The extensions an embedded engine must load for these scripts to run: those they create that
 * PGlite runs for real, with what they and the stand-ins they create require, and the image's
 * extensions whose functions they call. Empty for a repo that does neither: such an engine loads
 * no module.
 */
export function embeddedExtensionsFor(scripts: readonly string[]): string[] {
  const wanted = new Set<string>();
  const add = (name: string): void => {
    const support = extensionSupport(name);
    if (!support || wanted.has(name)) return;
    if (support.kind === 'embedded' || (support.kind === 'builtin' && support.module)) wanted.add(name);
    if (support.kind === 'embedded' || support.kind === 'stand-in') for (const required of support.requires ?? []) add(required);
  };
  for (const script of scripts) {
    for (const statement of extensionStatements(script)) if (statement.action === 'create') add(statement.name);
    for (const name of imageModulesCalled(script)) add(name);
  }
  return [...wanted].sort();
}

/** The extensions of the image whose module the engine loads (uuid-ossp, pgcrypto): every one an engine made by initdb may create. */
export const IMAGE_MODULE_EXTENSIONS: readonly string[] = Object.entries(SUPABASE_EXTENSIONS)
  .filter(([, support]) => support.kind === 'builtin' && support.module)
  .map(([name]) => name);

/**
 * Runs `work` on an engine loading `extensions`, and once more with the image's modules too when
 * it failed for want of one: a call the scan of the SQL cannot see (a function name assembled at
 * run time) needs it, as it has it on a project.
 */
export async function withImageModulesOnMiss<T>(
  extensions: readonly string[],
  work: (extensions: readonly string[]) => Promise<T>,
): Promise<T> {
  try {
    return await work(extensions);
  } catch (error) {
    const all = [...new Set([...extensions, ...IMAGE_MODULE_EXTENSIONS])].sort();
    if (all.length === extensions.length || !missesImageModule(error)) throw error;
    return work(all);
  }
}

/**
 * PostgreSQL's error for a module the engine did not load ("could not access file …", 58P01), an
 * image extension's: the SqlError itself, a MigrationError's, or what a wrapping error was caused by.
 */
function missesImageModule(error: unknown): boolean {
  for (let e = error as ErrorChain | undefined; e; e = e.cause) {
    const sqlError = e.sqlError ?? e;
    const file = /^could not access file "(?:\$libdir\/)?([^"]+)"/.exec(sqlError.message ?? '')?.[1];
    if (sqlError.code === '58P01' && file !== undefined && IMAGE_MODULE_EXTENSIONS.includes(file)) return true;
  }
  return false;
}

interface ErrorChain {
  readonly code?: unknown;
  readonly message?: string;
  readonly sqlError?: { readonly code?: unknown; readonly message?: string };
  readonly cause?: ErrorChain;
}

interface ModuleFunctions {
  /** Functions of the extension's module, called by name, e.g. `crypt(`. */
  readonly calls: readonly string[];
  /** Functions core PostgreSQL also has in pg_catalog, which is searched first unless a path names it. */
  readonly qualifiedCalls: readonly string[];
}

interface CallPatterns {
  readonly extension: string;
  /** A call of one of the module's own functions. */
  readonly own: RegExp | null;
  /** A call of a name core PostgreSQL shares, with a schema named. */
  readonly qualified: RegExp | null;
  /** The same names, unqualified. */
  readonly shared: RegExp | null;
}

let callPatterns: readonly CallPatterns[] | null = null;

function loadCallPatterns(): readonly CallPatterns[] {
  const file = path.join(packageRoot, 'resources', 'emulation', 'image-module-functions.json');
  const lists = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ModuleFunctions>;
  const call = (names: readonly string[], before: string) =>
    names.length === 0 ? null : new RegExp(String.raw`${before}"?(?:${names.join('|')})"?\s*\(`, 'i');
  return Object.entries(lists).map(([extension, { calls, qualifiedCalls }]) => ({
    extension,
    own: call(calls, String.raw`\b`),
    qualified: call(qualifiedCalls, String.raw`\.`),
    shared: call(qualifiedCalls, String.raw`\b`),
  }));
}

/** A search_path setting that names pg_catalog: the extension's function may then come first. */
const CATALOG_IN_PATH = /search_path[^;\n]*pg_catalog/i;

/**
 * The image's extensions a script calls a module function of, read from its text: a mention of a
 * call counts wherever it may run (a string run by EXECUTE too), which at worst loads a module for
 * nothing; not in a comment, a body's included. A call the scan misses (after a comment marker in
 * a dollar-quoted string that is not code) still runs: a failure for want of a module is run again
 * with the image's modules (withImageModulesOnMiss, verify's database of a mode's own). A name
 * core PostgreSQL shares (gen_random_uuid) counts when a schema is named for it, or when the
 * script puts pg_catalog in its search_path.
 */
export function imageModulesCalled(script: string): string[] {
  const mentioned = modulesMentioned(script);
  // Most scripts mention none: only those are read for their comments.
  return mentioned.length === 0 ? mentioned : modulesMentioned(withoutComments(script, { bodies: true }));
}

function modulesMentioned(script: string): string[] {
  callPatterns ??= loadCallPatterns();
  const catalogInPath = CATALOG_IN_PATH.test(script);
  return callPatterns
    .filter(
      ({ own, qualified, shared }) =>
        (own?.test(script) ?? false) || (qualified?.test(script) ?? false) || (catalogInPath && (shared?.test(script) ?? false)),
    )
    .map(({ extension }) => extension);
}

/** A name given to an engine that PGlite cannot load (not in the list, or not run for real). */
export class UnknownEmbeddedExtensionError extends Error {
  constructor(readonly extension: string) {
    super(`the embedded engine cannot load extension "${extension}"`);
    this.name = 'UnknownEmbeddedExtensionError';
  }
}

/**
 * The PGlite extension modules for `names` (embedded ones), keyed as PGlite expects. Imported on
 * demand, so an engine without extra extensions pays for none; two names sharing an archive
 * (moddatetime, autoinc…) load it once.
 */
export async function loadEmbeddedExtensions(names: readonly string[]): Promise<Record<string, Extension>> {
  const modules = new Map<string, ModuleRef>();
  for (const name of names) {
    const support = extensionSupport(name);
    if (support?.kind === 'builtin') {
      if (support.module) modules.set(support.module.exportName, support.module);
      continue;
    }
    if (support?.kind !== 'embedded') throw new UnknownEmbeddedExtensionError(name);
    modules.set(support.module.exportName, support.module);
  }
  const entries = await Promise.all(
    [...modules.values()].map(async ({ specifier, exportName }) => {
      // A variable specifier: the optional packages (pgvector, pgTAP) are resolved when used.
      const loaded = (await import(specifier)) as Record<string, Extension | undefined>;
      const extension = loaded[exportName];
      if (!extension) throw new Error(`${specifier} has no export "${exportName}"`);
      return [exportName, extension] as const;
    }),
  );
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Stand-in SQL.

/** Where the stand-ins' SQL files are, in the package. */
export const STAND_IN_DIR = path.join(packageRoot, 'resources', 'emulation', 'extensions');

/** Separates a stand-in file's install script from its `drop extension` script. */
const DROP_MARKER = /^-- @drop\s*$/m;

export interface StandInScripts {
  /** Creates the extension's objects; `@extschema@` stands for the schema it is created in. */
  readonly install: string;
  /** Drops them again (`drop extension`); `@extschema@` as above. */
  readonly drop: string;
}

const scriptCache = new Map<string, StandInScripts>();

export function standInScripts(name: string): StandInScripts {
  const cached = scriptCache.get(name);
  if (cached) return cached;
  const text = readFileSync(path.join(STAND_IN_DIR, `${name}.sql`), 'utf8');
  const marker = DROP_MARKER.exec(text);
  const scripts = marker
    ? { install: text.slice(0, marker.index), drop: text.slice(marker.index + marker[0].length) }
    : { install: text, drop: '' };
  scriptCache.set(name, scripts);
  return scripts;
}

/** `@extschema@` replaced by the quoted schema name, as PostgreSQL does in extension scripts. */
export function withExtensionSchema(script: string, schema: string): string {
  return script.replaceAll('@extschema@', `"${schema.replaceAll('"', '""')}"`);
}
