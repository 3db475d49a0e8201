/**
 * Read-only facts about a target repo. Produced once by `detectProject` and shared by
 * generate, verify and types.
 */
export type PackageManager = 'pnpm' | 'npm' | 'yarn' | 'bun';

export interface ProjectFacts {
  /** Absolute path of the target repo. */
  readonly root: string;
  /** Whether the target directory exists at all (generate creates it when missing). */
  readonly exists: boolean;
  /** No package.json at the root nor in the web app: a new repo gets the guide's whole layout. */
  readonly isNewRepo: boolean;
  /** Missing, or empty but for `.git`: only then does generate write a whole project around the phase. */
  readonly isNewDirectory: boolean;
  readonly packageManager: PackageManager;
  /** pnpm-workspace.yaml or package.json workspaces at the root. */
  readonly isWorkspace: boolean;
  readonly web: WebFacts;
  readonly backend: BackendFacts | null;
  /**
   * The Python backends found (folders relative to root, '' for the root) when neither
   * --backend-dir nor packages/backend named one; several of them and no `backend`: the repo must
   * say which.
   */
  readonly pythonBackends: readonly string[];
  readonly supabase: SupabaseFacts;
  /** scaffold-config.json at the root, parsed, or null when absent. */
  readonly scaffoldConfig: ScaffoldConfigFacts | null;
  /** Path (relative to root, posix) of the guide's types package file when it exists. */
  readonly typesPackageFile: string | null;
}

export interface WebFacts {
  /** Web app directory relative to root, posix, '' for the root itself; e.g. `apps/web`. */
  readonly dir: string;
  /**
   * A web app was chosen (--web-dir), is at apps/web, or is the one Next.js app found. False:
   * nothing looks like one and `dir` is only the guide's default.
   */
  readonly found: boolean;
  /** Whether that directory has a package.json. */
  readonly hasPackageJson: boolean;
  /** The app uses `src/app`: generated files go under `src/`. */
  readonly usesSrcDir: boolean;
  /** Directory (relative to root) holding `lib/` and the root proxy/middleware: `<dir>` or `<dir>/src`. */
  readonly codeDir: string;
  /** Next.js major version, or null when nothing tells. */
  readonly nextMajor: number;
  readonly nextMajorSource: 'installed' | 'package.json' | 'files' | 'default';
  /** Existing root session files, relative to root. */
  readonly proxyFile: string | null;
  readonly middlewareFile: string | null;
  readonly envModule: EnvModuleFacts | null;
  /** `<codeDir>/lib/supabase` exists. */
  readonly hasSupabaseLib: boolean;
  /** Dependencies declared in the app's package.json (name → range). */
  readonly dependencies: Readonly<Record<string, string>>;
}

export interface EnvModuleFacts {
  /** Relative to root, e.g. `apps/web/lib/env.ts`. */
  readonly file: string;
  readonly exportsPublicEnv: boolean;
  readonly exportsEnv: boolean;
  /** Environment keys named in the module. */
  readonly keys: readonly string[];
}

export interface BackendFacts {
  /** Backend package directory relative to root, e.g. `packages/backend`; '' for the root. */
  readonly dir: string;
  /**
   * `option`: --backend-dir; `guide`: the guide's packages/backend; `found`: the one Python
   * backend found elsewhere; `new`: a new repo's.
   */
  readonly source: 'option' | 'guide' | 'found' | 'new';
  readonly hasPyproject: boolean;
  /** `requirements.txt` exists. */
  readonly hasRequirements: boolean;
  /** `src/config.py` exists. */
  readonly hasConfig: boolean;
  /** `supabase` appears among the pyproject or requirements.txt dependencies. */
  readonly dependsOnSupabase: boolean;
}

export type MigrationNaming = 'sequential' | 'timestamp';

export interface MigrationFile {
  /** File name, e.g. `20240101120000_init.sql`. */
  readonly name: string;
  /** Leading digits. */
  readonly version: string;
}

export interface SupabaseFacts {
  /** `supabase/` is a symlink resolving outside the target. */
  readonly escapesRoot: boolean;
  readonly hasConfigToml: boolean;
  /** `[db.seed] sql_paths` from config.toml, or null when not set. */
  readonly seedPaths: readonly string[] | null;
  /** `[db.seed] enabled`: false when config.toml turns seeding off. */
  readonly seedEnabled: boolean;
  /** Entries of `seedPaths` that match no file. */
  readonly missingSeedPaths: readonly string[];
  /** The files `supabase db reset` loads as seed, relative to root, in its order (seed-paths.ts). */
  readonly seedFiles: readonly string[];
  /**
   * Declarative schema files (`[db.migrations] schema_paths`, or a supabase/schemas/ folder with
   * .sql files): the folder (relative to root) and its .sql files; null when the repo has none.
   */
  readonly schemas: {
    readonly dir: string;
    readonly configured: boolean;
    /** The .sql files in `dir`, by name. */
    readonly files: readonly string[];
    /** Every file the Supabase CLI applies as the declarative schema, relative to root, in its order. */
    readonly applied: readonly string[];
    /** `schema_paths` entries that match no file. */
    readonly unmatched: readonly string[];
  } | null;
  /** `[api] schemas` from config.toml (the schemas the API exposes), or null when not set. */
  readonly apiSchemas: readonly string[] | null;
  /** `[db] major_version` from config.toml (the project's PostgreSQL), or null when not set. */
  readonly postgresMajor: number | null;
  /** `supabase/migrations` state. */
  readonly migrationsDir: 'absent' | 'directory' | 'file';
  /** Files matching the CLI's `^([0-9]+)_(.*)\.sql$`, in the CLI's order. */
  readonly migrations: readonly MigrationFile[];
  /** `*.sql` files that do not match the CLI's naming (the CLI ignores them). */
  readonly ignoredMigrationFiles: readonly string[];
  /** Naming used by existing migrations, or null when there are none. */
  readonly naming: MigrationNaming | null;
}

export interface ScaffoldConfigFacts {
  readonly file: string;
  readonly projectName: string | null;
  readonly tiers: readonly string[] | null;
}
