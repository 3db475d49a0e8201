import type { EnvAccess } from '../render/context.js';
import type { PhaseLayout } from './layout.js';

/**
 * The groups of files rendered from templates (the plan adds `types` and `dependencies`);
 * `project` only for a new directory (project-scaffold.ts).
 */
export type TemplateGroup = 'migrations' | 'schemas' | 'seed' | 'db-tests' | 'web' | 'backend' | 'project';

/** One file the phase produces: which template renders it and where it goes. */
export interface Artifact {
  readonly group: TemplateGroup;
  readonly template: string;
  readonly path: string;
}

/** Template names found under templates/ (read by inventory.ts, so this stays pure). */
export interface TemplateInventory {
  /** Files in templates/supabase/migrations, e.g. `01_initial_schema.sql.hbs`, sorted. */
  readonly migrations: readonly string[];
  /** Files in templates/supabase/tests/database. */
  readonly dbTests: readonly string[];
  /** Files in templates/web/lib/supabase (its env-* folders aside). */
  readonly webLib: readonly string[];
}

/** Directories under templates/ whose every template the phase renders. */
export const TEMPLATE_DIRS = {
  migrations: 'supabase/migrations',
  dbTests: 'supabase/tests/database',
  webLib: 'web/lib/supabase',
} as const;

export const SESSION_TEMPLATE = 'session.ts.hbs';

/**
 * lib/supabase modules written one way per way the app reads its environment: their templates
 * are in web/lib/supabase/env-module/ and web/lib/supabase/env-process/.
 */
export const ENV_WEB_TEMPLATES: readonly string[] = ['admin.ts.hbs', 'config.ts.hbs'];

/** The template of one lib/supabase module (`config.ts.hbs`) for the app's env kind. */
export function webLibTemplate(name: string, envKind: EnvAccess['kind']): string {
  return ENV_WEB_TEMPLATES.includes(name) ? `${TEMPLATE_DIRS.webLib}/env-${envKind}/${name}` : `${TEMPLATE_DIRS.webLib}/${name}`;
}

export function listArtifacts(
  layout: PhaseLayout,
  inventory: TemplateInventory,
  migrationVersions: readonly string[],
  envKind: EnvAccess['kind'],
): Artifact[] {
  const migrations = inventory.migrations.map((template, i) => ({
    group: 'migrations' as const,
    template: `${TEMPLATE_DIRS.migrations}/${template}`,
    path: `${layout.migrationsDir}/${migrationVersions[i]}_${migrationName(template)}`,
  }));
  const dbTests = inventory.dbTests.map((template) => ({
    group: 'db-tests' as const,
    template: `${TEMPLATE_DIRS.dbTests}/${template}`,
    path: `${layout.testsDir}/${stripHbs(template)}`,
  }));
  const webLib = [...inventory.webLib, ...ENV_WEB_TEMPLATES].sort().map((template) => ({
    group: 'web' as const,
    template: webLibTemplate(template, envKind),
    path: `${layout.webLibDir}/${template === SESSION_TEMPLATE ? `${layout.sessionFile}.ts` : stripHbs(template)}`,
  }));
  const root = { group: 'web' as const, template: 'web/root/session-root.ts.hbs', path: layout.rootSessionFile };
  const seed = { group: 'seed' as const, template: 'supabase/seed.sql.hbs', path: layout.seedFile };
  const backend = layout.backendFile
    ? [{ group: 'backend' as const, template: 'backend/src/database.py.hbs', path: layout.backendFile }]
    : [];
  return [...migrations, seed, ...dbTests, ...(layout.web ? [...webLib, root] : []), ...backend];
}

/** `01_initial_schema.sql.hbs` → `initial_schema.sql`: the numeric prefix only orders templates. */
export function migrationName(template: string): string {
  return stripHbs(template).replace(/^\d+_/, '');
}

const stripHbs = (name: string) => name.replace(/\.hbs$/, '');
