import path from 'node:path';
import type { ProjectFacts } from '../detect/facts.js';
import type { Artifact } from './artifacts.js';
import type { PhaseLayout } from './layout.js';

/**
 * The minimum a new directory needs for the phase to run, in the guide's monorepo layout: the
 * root workspace, a Next.js app around the web clients, the backend's settings module, the
 * Supabase CLI's config.toml and an .env.example. Only a new directory gets these (an existing
 * repo keeps its own); templates live in templates/project, laid out like the target.
 */
export const PROJECT_TEMPLATES_DIR = 'project';

type Part = 'root' | 'web' | 'backend';

/** Template (under templates/project, in its part's folder) → file name in the target. */
const PROJECT_FILES: ReadonlyArray<{ part: Part; template: string; file: string; packageManager?: ProjectFacts['packageManager'] }> = [
  { part: 'root', template: 'package.json.hbs', file: 'package.json' },
  { part: 'root', template: 'pnpm-workspace.yaml.hbs', file: 'pnpm-workspace.yaml', packageManager: 'pnpm' },
  // Stored without the dot: npm leaves a package's .gitignore out of its tarball.
  { part: 'root', template: 'gitignore', file: '.gitignore' },
  { part: 'root', template: 'env.example', file: '.env.example' },
  { part: 'root', template: 'supabase/config.toml.hbs', file: 'supabase/config.toml' },
  { part: 'web', template: 'apps/web/package.json', file: 'package.json' },
  { part: 'web', template: 'apps/web/tsconfig.json', file: 'tsconfig.json' },
  { part: 'web', template: 'apps/web/next.config.ts', file: 'next.config.ts' },
  { part: 'web', template: 'apps/web/app/layout.tsx', file: 'app/layout.tsx' },
  { part: 'web', template: 'apps/web/app/page.tsx', file: 'app/page.tsx' },
  { part: 'backend', template: 'packages/backend/pyproject.toml.hbs', file: 'pyproject.toml' },
  { part: 'backend', template: 'packages/backend/src/__init__.py', file: 'src/__init__.py' },
  { part: 'backend', template: 'packages/backend/src/config.py', file: 'src/config.py' },
];

/** The project files for a new directory (none for an existing one). */
export function projectArtifacts(facts: ProjectFacts, layout: PhaseLayout): Artifact[] {
  if (!facts.isNewDirectory) return [];
  const dirs: Record<Part, string | null> = {
    root: '',
    web: facts.web.dir,
    backend: layout.backendFile && facts.backend ? facts.backend.dir : null,
  };
  return PROJECT_FILES.flatMap(({ part, template, file, packageManager }) => {
    const dir = dirs[part];
    if (dir === null || (packageManager && packageManager !== facts.packageManager)) return [];
    return [{ group: 'project' as const, template: `${PROJECT_TEMPLATES_DIR}/${template}`, path: path.posix.join(dir, file) }];
  });
}

/** Names derived from the project's name for the files above. */
export interface ProjectNames {
  /** npm package name of the root workspace. */
  readonly packageName: string;
  /** Python distribution name of the backend. */
  readonly backendName: string;
  /** `project_id` in supabase/config.toml (the CLI uses the directory name). */
  readonly projectId: string;
  /** The web app's directory, the workspace's one member. */
  readonly webDir: string;
}

export function projectNames(projectName: string, webDir: string): ProjectNames {
  const packageName = slug(projectName.toLowerCase()).replace(/^[._]+/, '') || 'app';
  return { packageName, backendName: `${packageName}-backend`, projectId: slug(projectName) || 'app', webDir: webDir || '.' };
}

const slug = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');

/** What the new project's web app depends on (installed right after generation). */
export function newProjectDependencies(facts: ProjectFacts): string[] {
  return facts.isNewDirectory ? ['next', 'react', 'react-dom', '@supabase/ssr', '@supabase/supabase-js', 'server-only'] : [];
}

/** How to set up (before starting Supabase) and start what a new directory received. */
export function newProjectSteps(facts: ProjectFacts, layout: PhaseLayout): { setup: string[]; start: string[] } {
  if (!facts.isNewDirectory) return { setup: [], start: [] };
  const web = facts.web.dir || '.';
  const setup = [`cp .env.example ${web}/.env.local   # then fill in the keys \`supabase start\` prints`];
  if (layout.backendFile && facts.backend) {
    const backend = facts.backend.dir;
    setup.push(
      `cp .env.example ${backend}/.env`,
      `(cd ${backend} && python3 -m venv .venv && .venv/bin/pip install -e .)   # the backend's dependencies`,
    );
  }
  return { setup, start: [`${facts.packageManager} run dev          # the web app on http://localhost:3000`] };
}
