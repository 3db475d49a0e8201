import path from 'node:path';
import type { ProjectFacts } from '../detect/facts.js';
import type { Artifact } from '../phase-04/artifacts.js';
import { MIGRATIONS_DIR, type PhaseLayout } from '../phase-04/layout.js';
import { migrationsDecision, unversionedName } from '../phase-04/migrations.js';
import { newProjectDependencies, newProjectSteps } from '../phase-04/project-scaffold.js';
import { BACKEND_SETTINGS } from '../phase-04/spec.js';
import type { DependencyUpgrade } from './dependency-edits.js';
import { seedPathsInclude } from '../detect/seed-paths.js';
import { relativeImport } from './relative-import.js';
import type { ArtifactGroup, Plan, PlannedFile } from './types.js';

export interface DependencyEdit {
  readonly path: string;
  readonly content: string;
  readonly previous: string;
  readonly added: readonly string[];
  /** Declared ranges too old for the generated code, raised. */
  readonly upgraded?: readonly DependencyUpgrade[];
  readonly ecosystem: 'npm' | 'python';
}

export interface PlanInput {
  readonly facts: ProjectFacts;
  readonly layout: PhaseLayout;
  readonly options: { readonly force: boolean; readonly append: boolean };
  readonly rendered: ReadonlyArray<{ readonly artifact: Artifact; readonly content: string }>;
  readonly types: { readonly path: string; readonly content: string } | null;
  readonly dependencyEdits: readonly DependencyEdit[];
  /** Current content of every target path (null when absent). */
  readonly existing: ReadonlyMap<string, string | null>;
}

/** Decides, for every file of the phase, what happens to it. Pure: no I/O, same input → same plan. */
export function buildPlan(input: PlanInput): Plan {
  const { facts, layout } = input;
  const skips = groupSkips(input);
  const otherSession = otherSessionFile(facts, layout);
  const files: PlannedFile[] = input.rendered.map(({ artifact, content }) => {
    const previous = input.existing.get(artifact.path) ?? null;
    const skip = skips.get(artifact.group);
    if (skip) return { path: artifact.path, group: artifact.group, status: 'skip', reason: skip, content, previous, forceable: false };
    if (artifact.path === layout.rootSessionFile && otherSession) {
      return {
        path: artifact.path,
        group: artifact.group,
        status: 'conflict',
        reason: `${otherSession} exists; Next.js ${facts.web.nextMajor} fails to build with both it and ${artifact.path}: add the session refresh to ${otherSession} by hand`,
        content,
        previous,
        forceable: false,
        advice: sessionAdvice(otherSession, layout),
      };
    }
    if (artifact.path === layout.rootSessionFile)
      return ownSessionFile(compare(artifact.path, artifact.group, content, previous, false, sessionAdvice(artifact.path, layout)));
    return compare(artifact.path, artifact.group, content, previous, input.options.force);
  });
  if (input.types) {
    const previous = input.existing.get(input.types.path) ?? null;
    files.push(compare(input.types.path, 'types', input.types.content, previous, input.options.force));
  }
  for (const edit of input.dependencyEdits) {
    files.push({
      path: edit.path,
      group: 'dependencies',
      status: 'update',
      reason: dependencyReason(edit),
      content: edit.content,
      previous: edit.previous,
      forceable: false,
    });
  }
  return {
    root: facts.root,
    files,
    notes: planNotes(input),
    nextSteps: nextSteps(facts, layout),
    addedWebDependencies: [
      ...input.dependencyEdits.filter((e) => e.ecosystem === 'npm').flatMap((e) => [...e.added, ...(e.upgraded ?? []).map((u) => u.name)]),
      ...newProjectDependencies(facts),
    ],
  };
}

function dependencyReason(edit: DependencyEdit): string {
  const parts = edit.added.length > 0 ? [`adds ${edit.added.join(', ')}`] : [];
  for (const u of edit.upgraded ?? []) parts.push(`upgrades ${u.name} ${u.from} → ${u.to} (the generated code needs it)`);
  return parts.join('; ');
}

export function normaliseLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function compare(
  path: string,
  group: ArtifactGroup,
  content: string,
  previous: string | null,
  force: boolean,
  advice?: readonly string[],
): PlannedFile {
  const base = { path, group, content, previous, ...(advice ? { advice } : {}) };
  if (previous === null) return { ...base, status: 'create', reason: 'new file', forceable: false };
  if (normaliseLineEndings(previous) === normaliseLineEndings(content)) {
    return { ...base, status: 'unchanged', reason: 'identical', forceable: false };
  }
  // Existing migrations are history the database has already applied: never rewritten.
  const forceable = !isMigration(path);
  if (force && forceable) return { ...base, status: 'overwrite', reason: 'differs; --force (backup kept)', forceable };
  return {
    ...base,
    status: 'conflict',
    reason: forceable ? 'differs from the generated file' : 'an existing migration is never modified',
    forceable,
  };
}

/** A root proxy/middleware that differs from ours is the user's own: never overwritten, --force included. */
function ownSessionFile(file: PlannedFile): PlannedFile {
  if (file.status !== 'conflict') return file;
  return { ...file, reason: `${file.path} is your own: it is left alone; add the session refresh by hand`, forceable: false };
}

export const isMigration = (path: string) => path.startsWith(`${MIGRATIONS_DIR}/`);

function groupSkips(input: PlanInput): Map<ArtifactGroup, string> {
  const { facts, layout } = input;
  const skips = new Map<ArtifactGroup, string>();
  const phaseMigrations = input.rendered.filter((r) => r.artifact.group === 'migrations').map((r) => unversionedName(r.artifact.path));
  const migrations = migrationsDecision(facts.supabase, layout, input.options.append, phaseMigrations);
  if (migrations.kind !== 'write') skips.set('migrations', migrations.reason);
  if (migrations.kind === 'skip') {
    // seed.sql and the pgTAP tests need the phase's tables: without its migrations `supabase db reset` would fail.
    const dependents = `needs the phase's migrations, which are not added (${migrations.reason})`;
    skips.set('seed', dependents);
    skips.set('db-tests', dependents);
    skips.set('schemas', dependents);
  }
  if (facts.web.hasSupabaseLib) {
    skips.set('web', `${layout.webLibDir}/ already exists; the web client files are only generated into a new one`);
  }
  return skips;
}

function otherSessionFile(facts: ProjectFacts, layout: PhaseLayout): string | null {
  const other = layout.sessionFile === 'proxy' ? facts.web.middlewareFile : facts.web.proxyFile;
  return other && other !== layout.rootSessionFile ? other : null;
}

/** What to add by hand to a proxy/middleware file that is not ours. */
function sessionAdvice(file: string, layout: PhaseLayout): string[] {
  const importPath = relativeImport(file, `${layout.webLibDir}/${layout.sessionFile}`);
  return [
    `In ${file}:`,
    `  import { updateSession } from '${importPath}';`,
    `  // first thing in the exported function; return supabaseResponse (or copy its cookies onto your response):`,
    `  const { supabaseResponse } = await updateSession(request);`,
  ];
}

function planNotes(input: PlanInput): string[] {
  const { facts, layout } = input;
  const notes: string[] = [];
  const { seedPaths, seedEnabled, ignoredMigrationFiles, schemas } = facts.supabase;
  // seed.sql is the phase's own file: written now (or skipped with its reason).
  const missingSeedPaths = facts.supabase.missingSeedPaths.filter((p) => !seedPathsInclude([p], layout.seedFile));
  const loadsSeed = seedPathsInclude(seedPaths, layout.seedFile);
  if (!seedEnabled) {
    notes.push(`supabase/config.toml [db.seed] enabled = false: supabase db reset will not load ${layout.seedFile}`);
  } else if (missingSeedPaths.length > 0) {
    notes.push(
      `supabase/config.toml [db.seed] sql_paths names ${missingSeedPaths.length === 1 ? 'a file that does' : 'files that do'} not exist (${missingSeedPaths.join(', ')})` +
        (loadsSeed ? '' : `: add "./seed.sql" there to load ${layout.seedFile} on db reset`),
    );
  } else if (!loadsSeed) {
    notes.push(
      `supabase/config.toml [db.seed] sql_paths (${seedPaths?.join(', ') || 'empty'}) does not include seed.sql: add "./seed.sql" to load ${layout.seedFile} on db reset`,
    );
  }
  if (schemas?.configured) {
    const ours = input.rendered.filter((r) => r.artifact.group === 'schemas').map((r) => r.artifact.path);
    if (ours.length > 0) {
      notes.push(
        `declarative schemas: the phase is also written to ${ours.join(', ')}; check that [db.migrations] schema_paths in supabase/config.toml includes them`,
      );
    }
  }
  for (const name of ignoredMigrationFiles) {
    notes.push(`supabase/migrations/${name} does not match <version>_<name>.sql: the Supabase CLI ignores it`);
  }
  if (layout.web && !facts.web.hasSupabaseLib) {
    notes.push(
      'the web app needs Node.js 22 or newer at run time: @supabase/ssr 0.12 requires @supabase/supabase-js 2.114+, which needs Node 22',
    );
  }
  if (layout.backendFile && facts.backend?.source === 'found') {
    notes.push(
      `Python backend found in ${facts.backend.dir || '.'}: the database module goes to ${layout.backendFile} (--backend-dir <dir> for another, --no-backend for none)`,
    );
  }
  if (layout.backendFile && facts.backend && !facts.backend.hasConfig && !facts.isNewDirectory) {
    notes.push(
      `${path.posix.join(facts.backend.dir, 'src/config.py')} is missing: ${layout.backendFile} imports \`settings\` from it. Add a pydantic-settings ` +
        `\`settings = Settings()\` whose \`Settings(BaseSettings)\` has \`${BACKEND_SETTINGS.urlSetting}: str\` and \`${BACKEND_SETTINGS.keySetting}: str\` ` +
        '(read from SUPABASE_SECRET_KEY or SUPABASE_SERVICE_ROLE_KEY), and `pydantic-settings` to its dependencies',
    );
  }
  return notes;
}

function nextSteps(facts: ProjectFacts, layout: PhaseLayout): string[] {
  const project = newProjectSteps(facts, layout);
  const steps: string[] = [...project.setup];
  if (!facts.supabase.hasConfigToml && !facts.isNewDirectory)
    steps.push('supabase init            # creates supabase/config.toml (none found)');
  steps.push('supabase start           # local Supabase');
  steps.push('supabase db reset        # applies the migrations and seed.sql');
  steps.push('supabase test db         # runs the pgTAP tests in supabase/tests');
  // Commands of this tool start with its name; the report writes it as the user invoked it.
  steps.push('create-saas-db verify 04   # proves the phase works, no Docker needed');
  steps.push(...project.start);
  if (facts.isNewRepo && !facts.isNewDirectory && layout.web)
    steps.push(
      `add @supabase/ssr and @supabase/supabase-js to ${layout.webLibDir.replace(/\/?(src\/)?lib\/supabase$/, '') || '.'}/package.json`,
    );
  return steps;
}

/** The plan with one forceable conflict turned into an overwrite (the user chose it). */
/** A conflict the user chose to keep (a prompt): left alone as asked, so no longer a conflict left. */
export function keepConflict(plan: Plan, path: string): Plan {
  return {
    ...plan,
    files: plan.files.map((f) =>
      f.path === path && f.status === 'conflict' ? { ...f, status: 'skip', reason: 'differs; kept on request' } : f,
    ),
  };
}

export function overwriteConflict(plan: Plan, path: string): Plan {
  return {
    ...plan,
    files: plan.files.map((f) =>
      f.path === path && f.status === 'conflict' && f.forceable
        ? { ...f, status: 'overwrite', reason: 'differs; overwritten on request (backup kept)' }
        : f,
    ),
  };
}
