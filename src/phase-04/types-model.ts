import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { emulationDigest } from '../emulation/install.js';
import { packageRoot } from '../package-root.js';
import { exampleContext } from '../render/context.js';
import { renderTemplate } from '../render/render.js';
import { templatesDir } from '../render/templates-dir.js';
import type { DatabaseModel } from '../types-gen/model.js';
import { TEMPLATE_DIRS } from './artifacts.js';
import { readInventory } from './inventory.js';
import { STRIPE_SUBSCRIPTION_STATUSES } from './spec.js';

/**
 * The `Database` model of the phase's own migrations, without a database. The phase's
 * migrations depend on the render context only through the tier list, and the model only through
 * the `CHECK (… in (tiers))` value lists and the default tier: the build introspects the
 * migrations once, rendered with one placeholder tier (dist/phase-04-types-model.json), and here
 * the placeholder is replaced by the real tiers. A test compares this with the engine's
 * introspection for many tier lists.
 *
 * The snapshot holds the schemas a new project's supabase/config.toml exposes (`public`, and
 * `graphql_public`, which the emulation provides): the types of any of them are known, those of
 * another schema are the engine's to find.
 */

/** A valid tier name that no real tier list is expected to use. */
export const PLACEHOLDER_TIER = 'placeholder_tier_0f3a';

export const TYPES_MODEL_SNAPSHOT = path.join(packageRoot, 'dist', 'phase-04-types-model.json');

/**
 * The schemas the snapshot is introspected for: the `[api] schemas` of the config.toml a new
 * project gets (templates/project/supabase/config.toml.hbs; a test keeps them equal).
 */
export const TYPES_MODEL_SCHEMAS: readonly string[] = ['public', 'graphql_public'];

export interface TypesModelSnapshot {
  /** Hash of the migration templates it was introspected from: a stale snapshot is not used. */
  readonly templatesHash: string;
  /** The emulation it was introspected over (graphql_public is the emulation's). */
  readonly emulationDigest: string;
  /** The schemas introspected; `model` has those that exist. */
  readonly schemas: readonly string[];
  readonly model: DatabaseModel;
}

/** The phase's migration templates (paths under templates/), in the order they apply. */
export async function phaseMigrationTemplates(): Promise<string[]> {
  return (await readInventory()).migrations.map((name) => `${TEMPLATE_DIRS.migrations}/${name}`);
}

/** The phase's migrations rendered for a tier list (the only context value they read besides constants). */
export async function renderPhaseMigrations(tiers: readonly string[]): Promise<string[]> {
  const context = exampleContext({ tiers, defaultTier: tiers[0]!, subscriptionStatuses: STRIPE_SUBSCRIPTION_STATUSES });
  return Promise.all((await phaseMigrationTemplates()).map((template) => renderTemplate(template, context)));
}

export async function migrationTemplatesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const template of await phaseMigrationTemplates()) {
    hash
      .update(template)
      .update('\0')
      .update(await readFile(path.join(templatesDir, template)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * The model of `schemas` when `migrations` are exactly the phase's own, byte for byte as the
 * templates render them for some tier list, and the snapshot has every one of `schemas`; null
 * otherwise (or without a current snapshot): then the engine decides.
 */
export async function phaseOwnTypesModel(
  migrations: readonly { readonly name: string; readonly sql: string }[],
  schemas: readonly string[] = ['public'],
): Promise<DatabaseModel | null> {
  const [tiers, snapshot] = await Promise.all([phaseOwnTiers(migrations), readSnapshot()]);
  if (tiers === null || snapshot === null) return null;
  if (snapshot.templatesHash !== (await migrationTemplatesHash()) || snapshot.emulationDigest !== emulationDigest()) return null;
  if (!schemas.every((schema) => snapshot.schemas.includes(schema))) return null;
  const model = substituteTiers(snapshot.model, tiers);
  return model && { ...model, schemas: model.schemas.filter((s) => schemas.includes(s.schema)) };
}

/**
 * The tier list `migrations` were rendered for when they are exactly the phase's own, byte for
 * byte as the templates render them for it (with the spec's routine names); else null.
 */
export async function phaseOwnTiers(migrations: readonly { readonly sql: string }[]): Promise<string[] | null> {
  const tiers = tiersOf(migrations[0]?.sql ?? '');
  if (tiers === null) return null;
  const rendered = await renderPhaseMigrations(tiers);
  if (rendered.length !== migrations.length || rendered.some((sql, i) => sql !== migrations[i]!.sql)) return null;
  return tiers;
}

/** The tier list as the schema migration writes it: `check (tier in ('free', 'pro'))`. */
function tiersOf(sql: string): string[] | null {
  const match = /\bcheck \(tier in \(('[a-z][a-z0-9_]*'(?:, '[a-z][a-z0-9_]*')*)\)\)/.exec(sql);
  return match ? match[1]!.split(', ').map((literal) => literal.slice(1, -1)) : null;
}

async function readSnapshot(): Promise<TypesModelSnapshot | null> {
  try {
    return JSON.parse(await readFile(TYPES_MODEL_SNAPSHOT, 'utf8')) as TypesModelSnapshot;
  } catch {
    return null;
  }
}

/**
 * Replaces the placeholder: a value list that is exactly `[placeholder]` becomes the tier list,
 * and the placeholder's SQL literal (the column default) the default tier's. Null when the
 * placeholder shows anywhere else, which the templates would have to have changed for.
 */
export function substituteTiers(model: DatabaseModel, tiers: readonly string[]): DatabaseModel | null {
  const literal = `'${PLACEHOLDER_TIER}'`;
  let leftover = false;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      if (value.length === 1 && value[0] === PLACEHOLDER_TIER) return [...tiers];
      return value.map(walk);
    }
    if (typeof value === 'string') {
      const replaced = value.replaceAll(literal, `'${tiers[0]!}'`);
      if (replaced.includes(PLACEHOLDER_TIER)) leftover = true;
      return replaced;
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  const result = walk(model) as DatabaseModel;
  return leftover ? null : result;
}
