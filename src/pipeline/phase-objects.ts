/**
 * The named objects user SQL defines (resources/generate/named-objects.sql), and those the
 * phase's own migrations create on the clean emulation. The latter are known without a database
 * when the migrations are exactly the phase's own for some tier list: the build reads them once
 * (dist/phase-04-named-objects.json) with a placeholder tier, which no object is named after (a
 * test compares the snapshot with the engine for many tier lists).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlFile } from '../db/apply-migrations.js';
import type { SqlEngine } from '../db/engine.js';
import { emulationDigest } from '../emulation/install.js';
import { packageRoot } from '../package-root.js';
import { migrationTemplatesHash, phaseOwnTiers, PLACEHOLDER_TIER, renderPhaseMigrations } from '../phase-04/types-model.js';

const NAMED_OBJECTS_SQL = path.join(packageRoot, 'resources', 'generate', 'named-objects.sql');

export const PHASE_OBJECTS_SNAPSHOT = path.join(packageRoot, 'dist', 'phase-04-named-objects.json');

export interface NamedObject {
  readonly kind: string;
  /** What two objects collide on, e.g. `relation public.users`, `trigger t on auth.users`. */
  readonly key: string;
  readonly name: string;
  /** The object's own name, unquoted (`users`, `handle_new_user`). */
  readonly ident: string;
  /** For an index, trigger or policy: the key of its table. */
  readonly parent: string | null;
}

interface PhaseObjectsSnapshot {
  /** What the objects were read with and from: a snapshot that differs in any is not used. */
  readonly templatesHash: string;
  readonly emulationDigest: string;
  readonly queryHash: string;
  readonly objects: readonly NamedObject[];
}

let namedObjectsSql: string | null = null;

/** Every named object, or (with `idents`) those of these names. */
export async function namedObjects(engine: SqlEngine, idents: readonly string[] | null): Promise<NamedObject[]> {
  namedObjectsSql ??= readFileSync(NAMED_OBJECTS_SQL, 'utf8');
  return engine.query<NamedObject>(namedObjectsSql, [idents]);
}

/** The objects `files` create on the engine's clean emulation; rolled back afterwards. */
export async function readPhaseObjects(engine: SqlEngine, files: readonly SqlFile[]): Promise<NamedObject[]> {
  const baseline = new Set((await namedObjects(engine, null)).map((o) => o.key));
  await engine.exec('begin');
  try {
    for (const file of files) await engine.exec(file.sql);
    return (await namedObjects(engine, null)).filter((o) => !baseline.has(o.key));
  } finally {
    await engine.exec('rollback');
  }
}

/**
 * The objects the phase's migrations create, from the snapshot, when `files` are exactly the
 * phase's own migrations (with the spec's routine names) and the snapshot is current; else null.
 */
export async function knownPhaseObjects(files: readonly SqlFile[]): Promise<readonly NamedObject[] | null> {
  const [tiers, snapshot] = await Promise.all([phaseOwnTiers(files), readSnapshot()]);
  if (tiers === null || snapshot === null) return null;
  if (snapshot.queryHash !== queryHash() || snapshot.emulationDigest !== emulationDigest()) return null;
  if (snapshot.templatesHash !== (await migrationTemplatesHash())) return null;
  return snapshot.objects;
}

/** Reads the phase's objects on `engine` (a fresh one) and writes the snapshot (run by the build). */
export async function writePhaseObjectsSnapshot(engine: SqlEngine, file: string): Promise<string> {
  const migrations = (await renderPhaseMigrations([PLACEHOLDER_TIER])).map((sql, i) => ({ name: `phase migration ${i + 1}`, sql }));
  const snapshot: PhaseObjectsSnapshot = {
    templatesHash: await migrationTemplatesHash(),
    emulationDigest: emulationDigest(),
    queryHash: queryHash(),
    objects: await readPhaseObjects(engine, migrations),
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(snapshot)}\n`);
  return file;
}

function queryHash(): string {
  namedObjectsSql ??= readFileSync(NAMED_OBJECTS_SQL, 'utf8');
  return createHash('sha256').update(namedObjectsSql).digest('hex');
}

async function readSnapshot(): Promise<PhaseObjectsSnapshot | null> {
  try {
    return JSON.parse(await readFile(PHASE_OBJECTS_SNAPSHOT, 'utf8')) as PhaseObjectsSnapshot;
  } catch {
    return null;
  }
}
