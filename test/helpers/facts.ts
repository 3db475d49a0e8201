import type { ProjectFacts } from '../../src/detect/facts.js';

/**
 * A complete `ProjectFacts` for pure tests: the guide's monorepo (pnpm workspace, Next 16 app in
 * apps/web, Python backend), with what a test needs overridden.
 */
export function facts(
  overrides: Partial<ProjectFacts> = {},
  web: Partial<ProjectFacts['web']> = {},
  supabase: Partial<ProjectFacts['supabase']> = {},
): ProjectFacts {
  return {
    root: '/repo',
    exists: true,
    isNewRepo: false,
    isNewDirectory: false,
    packageManager: 'pnpm',
    isWorkspace: true,
    backend: {
      dir: 'packages/backend',
      source: 'guide',
      hasPyproject: true,
      hasRequirements: false,
      hasConfig: true,
      dependsOnSupabase: false,
    },
    pythonBackends: [],
    scaffoldConfig: null,
    typesPackageFile: null,
    ...overrides,
    web: {
      dir: 'apps/web',
      hasPackageJson: true,
      usesSrcDir: false,
      codeDir: 'apps/web',
      nextMajor: 16,
      nextMajorSource: 'package.json',
      found: true,
      proxyFile: null,
      middlewareFile: null,
      envModule: null,
      hasSupabaseLib: false,
      dependencies: {},
      ...web,
    },
    supabase: {
      escapesRoot: false,
      hasConfigToml: true,
      seedPaths: null,
      seedEnabled: true,
      missingSeedPaths: [],
      seedFiles: [],
      apiSchemas: null,
      postgresMajor: null,
      schemas: null,
      migrationsDir: 'absent',
      migrations: [],
      ignoredMigrationFiles: [],
      naming: null,
      ...supabase,
    },
  };
}
