import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { detectProject } from '../detect/index.js';
import { readConfigToml } from '../detect/supabase-dir.js';
import type { EngineLimits } from '../db/engine-cache.js';
import type { ProjectFacts } from '../detect/facts.js';
import { readText } from '../detect/fs-probe.js';
import { CliError, firstLine } from '../errors.js';
import type { GenerateOptions } from '../options/generate.js';
import { listArtifacts } from '../phase-04/artifacts.js';
import { readInventory } from '../phase-04/inventory.js';
import { projectArtifacts } from '../phase-04/project-scaffold.js';
import { phaseLayout, type PhaseLayout } from '../phase-04/layout.js';
import { migrationsDecision, unversionedName } from '../phase-04/migrations.js';
import { PHASE_ROUTINE_NAMES, type PhaseRoutineNames } from '../phase-04/spec.js';
import { addPackageJsonDependencies, addPyprojectDependency, addRequirement } from '../plan/dependency-edits.js';
import {
  allowsOlderThan,
  MINIMUM_WEB_VERSIONS,
  POETRY_SUPABASE_CONSTRAINT,
  PYTHON_SUPABASE_REQUIREMENT,
  WEB_DEPENDENCIES,
} from '../plan/dependency-versions.js';
import { nextMigrationVersions, versionsOfIgnoredFiles } from '../plan/migration-versions.js';
import { buildPlan, type DependencyEdit } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { renderTemplate } from '../render/render.js';
import { typeSchemas } from '../types-gen/schema-list.js';
import type { AppendedDatabase } from './phase-names.js';
import { schemaArtifacts } from './schema-files.js';
import { webAppMissing } from './web-app-choice.js';
import { BackendChoiceError } from './backend-choice.js';
import { buildRenderContext } from './render-context.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';

/**
 * Renders the `Database` types of `schemas` after `migrations`; `appliedOn`, when given, is an
 * engine that already ran migrations (read there when they are exactly these).
 */
export type TypesGenerator = (
  migrations: Array<{ name: string; sql: string }>,
  schemas: readonly string[],
  appliedOn?: AppendedDatabase,
) => Promise<string>;

export interface PrepareRequest {
  readonly options: GenerateOptions;
  readonly cwd: string;
  readonly now: Date;
  /** Renders `Database` types from migrations; loaded lazily by the command (it boots a database). */
  readonly generateTypes?: TypesGenerator | undefined;
  /** Facts already detected by the caller (with the same hints), to avoid reading the repo twice. */
  readonly facts?: ProjectFacts | undefined;
  /** The embedded engine's statement time limit and what stops it (--append's name check). */
  readonly engineLimits?: EngineLimits | undefined;
}

export interface Prepared {
  readonly facts: ProjectFacts;
  readonly layout: PhaseLayout;
  readonly config: ResolvedConfig;
  readonly plan: Plan;
}

/** detect → resolve → render → plan. Reads the repo and templates; writes nothing. */
export async function preparePlan(request: PrepareRequest): Promise<Prepared> {
  const { options, cwd } = request;
  const facts = request.facts ?? (await detectTarget(options, cwd));
  assertUsable(facts);
  const config = await resolveConfig(options, facts, cwd);
  const layout = phaseLayout(facts, { backend: options.backend, web: options.web });
  const existingMigrations = facts.supabase.migrations;

  const inventory = await readInventory();
  const taken = options.append ? [...existingMigrations, ...versionsOfIgnoredFiles(facts.supabase.ignoredMigrationFiles)] : [];
  const versions = nextMigrationVersions(taken, config.naming, inventory.migrations.length, request.now);
  const contextFor = (typedClients: boolean, names: PhaseRoutineNames) =>
    buildRenderContext(facts, layout, config, { typedClients, names });
  const migrationArtifacts = listArtifacts(layout, inventory, versions, 'process').filter((a) => a.group === 'migrations');
  const decision = migrationsDecision(
    facts.supabase,
    layout,
    options.append,
    migrationArtifacts.map((a) => unversionedName(a.path)),
  );
  const notes: string[] = [];

  // Read once, when needed: the --append check and the types both apply them.
  let repoRead: Promise<Array<{ name: string; sql: string }>> | undefined;
  const repoMigrations = () => (repoRead ??= readMigrations(facts, layout));
  // Appending after the repo's own history: its objects are read from the catalog first, on an
  // engine then left holding the repo's migrations and the phase's, which the types are read from.
  let names: PhaseRoutineNames = PHASE_ROUTINE_NAMES;
  let appended: AppendedDatabase | undefined;
  if (decision.kind === 'write' && existingMigrations.length > 0) {
    // The engine's thread gets ready while the migrations are read and the phase's drafted.
    (await import('../db/engine.js')).prestartEmbeddedEngine();
    const { resolvePhaseNames } = await import('./phase-names.js');
    const resolved = await resolvePhaseNames({
      repoMigrations: (await repoMigrations()).map((m) => ({ name: `${layout.migrationsDir}/${m.name}`, sql: m.sql })),
      limits: request.engineLimits,
      renderPhase: (candidate) =>
        Promise.all(
          migrationArtifacts.map(async (a) => ({ name: a.path, sql: await renderTemplate(a.template, contextFor(false, candidate)) })),
        ),
    });
    names = resolved.names;
    appended = resolved.database;
    notes.push(...resolved.renamed);
  }

  const artifacts = [
    ...listArtifacts(layout, inventory, versions, contextFor(false, names).web.env.kind),
    ...schemaArtifacts(facts.supabase, migrationArtifacts),
    ...projectArtifacts(facts, layout),
  ];
  const migrationsSkipped = decision.kind !== 'write';
  const wantsTypes = options.types && (layout.web || facts.typesPackageFile !== null);

  const renderAll = (typedClients: boolean) => {
    const context = contextFor(typedClients, names);
    return Promise.all(artifacts.map(async (artifact) => ({ artifact, content: await renderTemplate(artifact.template, context) })));
  };
  let rendered: Awaited<ReturnType<typeof renderAll>>;
  let types: { path: string; content: string } | null = null;
  try {
    rendered = await renderAll(wantsTypes && request.generateTypes !== undefined);
    if (wantsTypes && request.generateTypes) {
      const ours = migrationsSkipped ? [] : rendered.filter((r) => r.artifact.group === 'migrations');
      const migrations = [
        ...(await repoMigrations()),
        ...ours.map((r) => ({ name: path.posix.basename(r.artifact.path), sql: r.content })),
      ];
      try {
        types = { path: layout.typesFile, content: await request.generateTypes(migrations, typedSchemas(facts, rendered), appended) };
      } catch (error) {
        notes.push(`types not generated (${firstLine(error)}); run \`create-saas-db types\` once the migrations apply`);
        rendered = await renderAll(false);
      }
    }
  } finally {
    await appended?.engine.close();
  }

  const paths = [...artifacts.map((a) => a.path), ...(types ? [types.path] : [])];
  const existing = new Map(
    await Promise.all(paths.map(async (p) => [p, await readText(path.join(facts.root, p), { display: p })] as const)),
  );
  const plan = buildPlan({
    facts,
    layout,
    options: { force: options.force, append: options.append },
    rendered,
    types,
    dependencyEdits: await dependencyEdits(facts, layout),
    existing,
  });
  return { facts, layout, config, plan: { ...plan, notes: [...plan.notes, ...notes] } };
}

/**
 * The schemas `create-saas-db types` will type once the plan is written: those of the repo's
 * config.toml, or of the one a new directory gets.
 */
function typedSchemas(facts: ProjectFacts, rendered: ReadonlyArray<{ artifact: { path: string }; content: string }>): string[] {
  const written = rendered.find((r) => r.artifact.path === 'supabase/config.toml');
  return typeSchemas(written ? readConfigToml(written.content).apiSchemas : facts.supabase.apiSchemas);
}

/** Detection with the directory hints from the options (validated and normalised by their schema). */
export async function detectTarget(options: GenerateOptions, cwd: string): Promise<ProjectFacts> {
  const root = path.resolve(cwd, options.dir);
  const facts = await detectProject(root, { webDir: options.webDir, backendDir: options.backendDir });
  // An existing repo never gets an invented apps/web: the app is named, or there is none.
  if (options.web && !facts.web.found && !facts.isNewRepo) throw await webAppMissing(root);
  // Nor a guessed backend: with several Python backends and none chosen, the repo says which.
  if (options.backend && !facts.backend && facts.pythonBackends.length > 1) throw new BackendChoiceError(facts.pythonBackends);
  return facts;
}

function assertUsable(facts: ProjectFacts): void {
  if (facts.supabase.escapesRoot) {
    throw new CliError('target', 'supabase/ is a symlink to a place outside the target directory: refusing to write through it');
  }
  if (facts.supabase.migrationsDir === 'file') {
    throw new CliError('layout', 'supabase/migrations exists but is a file, not a directory: move it away and run again');
  }
}

async function readMigrations(facts: ProjectFacts, layout: PhaseLayout): Promise<Array<{ name: string; sql: string }>> {
  const dir = path.join(facts.root, layout.migrationsDir);
  return Promise.all(facts.supabase.migrations.map(async (m) => ({ name: m.name, sql: await readFile(path.join(dir, m.name), 'utf8') })));
}

async function dependencyEdits(facts: ProjectFacts, layout: PhaseLayout): Promise<DependencyEdit[]> {
  const edits: DependencyEdit[] = [];
  const manifestPath = facts.web.dir ? `${facts.web.dir}/package.json` : 'package.json';
  const manifest = facts.web.hasPackageJson ? await readText(path.join(facts.root, manifestPath), { display: manifestPath }) : null;
  // The web files are only generated into a new lib/supabase: the repo's own code keeps its versions.
  const wantsWeb = layout.web && !facts.web.hasSupabaseLib;
  const tooOld = (name: string, range: string) => name in MINIMUM_WEB_VERSIONS && allowsOlderThan(range, MINIMUM_WEB_VERSIONS[name] ?? '0');
  const npmEdit = manifest === null || !wantsWeb ? null : addPackageJsonDependencies(manifest, WEB_DEPENDENCIES, tooOld);
  if (manifest !== null && npmEdit && (npmEdit.added.length > 0 || npmEdit.upgraded.length > 0)) {
    edits.push({
      path: manifestPath,
      content: npmEdit.content,
      previous: manifest,
      added: npmEdit.added,
      upgraded: npmEdit.upgraded,
      ecosystem: 'npm',
    });
  }
  const backend = facts.backend;
  if (layout.backendFile && backend && !backend.dependsOnSupabase) {
    const edit = await pythonDependencyEdit(facts.root, backend);
    if (edit) edits.push(edit);
  }
  return edits;
}

/** `supabase` added to the backend's pyproject.toml, else (no section to add it to) to its requirements.txt. */
async function pythonDependencyEdit(root: string, backend: NonNullable<ProjectFacts['backend']>): Promise<DependencyEdit | null> {
  const read = async (file: string) => {
    const shown = path.posix.join(backend.dir, file);
    return { path: shown, text: (await readText(path.join(root, shown), { display: shown })) ?? '' };
  };
  if (backend.hasPyproject) {
    const pyproject = await read('pyproject.toml');
    const edited = addPyprojectDependency(pyproject.text, PYTHON_SUPABASE_REQUIREMENT, 'supabase', POETRY_SUPABASE_CONSTRAINT);
    if (edited !== null)
      return { path: pyproject.path, content: edited, previous: pyproject.text, added: ['supabase'], ecosystem: 'python' };
  }
  if (!backend.hasRequirements) return null;
  const requirements = await read('requirements.txt');
  const content = addRequirement(requirements.text, PYTHON_SUPABASE_REQUIREMENT);
  return { path: requirements.path, content, previous: requirements.text, added: ['supabase'], ecosystem: 'python' };
}
