/**
 * Everything a template may read. Built in TypeScript by the planner from options and detected
 * facts; templates only substitute values and choose between a few named variants.
 */
import { projectNames, type ProjectNames } from '../phase-04/project-scaffold.js';
import {
  BACKEND_SETTINGS,
  DEFAULT_TIERS,
  PHASE_ROUTINE_NAMES,
  STRIPE_SUBSCRIPTION_STATUSES,
  type PhaseRoutineNames,
} from '../phase-04/spec.js';

export interface RenderContext {
  /** Subscription tiers, lowercase identifiers; the first is the default tier. */
  readonly tiers: readonly string[];
  readonly defaultTier: string;
  /** Stripe subscription statuses accepted by `users.subscription_status` and `subscriptions.status`. */
  readonly subscriptionStatuses: readonly string[];
  readonly projectName: string;
  /**
   * Names of the phase's trigger functions and auth.users triggers: the spec's, or suffixed ones
   * when the repo already defines an object of that name (pipeline/phase-names.ts).
   */
  readonly names: PhaseRoutineNames;
  readonly web: WebContext;
  readonly python: PythonContext;
  /** Names used by the files a new directory receives (templates/project). */
  readonly project: ProjectNames;
}

export interface WebContext {
  /** 15 → middleware.ts / lib/supabase/middleware.ts; ≥ 16 → proxy.ts / lib/supabase/proxy.ts. */
  readonly nextMajor: number;
  /** Base name of the session module under lib/supabase and of the root file: `proxy` or `middleware`. */
  readonly sessionFile: 'proxy' | 'middleware';
  /** Relative import from the root proxy/middleware file to lib/supabase/<sessionFile> (no extension). */
  readonly sessionImport: string;
  /** How the clients obtain URL and keys; its kind picks the admin and config templates (plan/artifacts.ts). */
  readonly env: EnvAccess;
  /**
   * Relative import from lib/supabase/* to the generated `Database` types (no extension), or null
   * when no types file is generated; the clients are then untyped.
   */
  readonly databaseTypesImport: string | null;
  /** The clients' type argument: `<Database>` when the types are imported, else empty. */
  readonly databaseGeneric: '<Database>' | '';
}

export type EnvAccess =
  | {
      /** The app has lib/env.ts exporting `publicEnv` and `env` (the guide's phase 02). */
      readonly kind: 'module';
      /** Relative import from lib/supabase/* to the env module, e.g. `../env`. */
      readonly importPath: string;
      /** Key names it defines. */
      readonly urlKey: string; // e.g. NEXT_PUBLIC_SUPABASE_URL
      readonly publicKeyKey: string; // NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY or NEXT_PUBLIC_SUPABASE_ANON_KEY
      readonly secretKeyKey: string; // SUPABASE_SECRET_KEY or SUPABASE_SERVICE_ROLE_KEY
    }
  | { readonly kind: 'process' };

/** The web context's two `Database` values, from the import of the types (null: untyped clients). */
export function databaseTypesContext(databaseTypesImport: string | null): Pick<WebContext, 'databaseTypesImport' | 'databaseGeneric'> {
  return { databaseTypesImport, databaseGeneric: databaseTypesImport === null ? '' : '<Database>' };
}

export interface PythonContext {
  /** Python module the settings object is imported from, e.g. `src.config`. */
  readonly configModule: string;
  /** Attribute names on `settings`. */
  readonly urlSetting: string; // SUPABASE_URL
  readonly keySetting: string; // SUPABASE_SERVICE_ROLE_KEY
}

/** The spec's monorepo: Next 16, the guide's env module and backend. Used by tests and examples. */
export function exampleContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    tiers: [...DEFAULT_TIERS],
    defaultTier: DEFAULT_TIERS[0],
    subscriptionStatuses: [...STRIPE_SUBSCRIPTION_STATUSES],
    projectName: 'example',
    names: PHASE_ROUTINE_NAMES,
    web: {
      nextMajor: 16,
      sessionFile: 'proxy',
      sessionImport: './lib/supabase/proxy',
      env: {
        kind: 'module',
        importPath: '../env',
        urlKey: 'NEXT_PUBLIC_SUPABASE_URL',
        publicKeyKey: 'NEXT_PUBLIC_SUPABASE_ANON_KEY',
        secretKeyKey: 'SUPABASE_SERVICE_ROLE_KEY',
      },
      ...databaseTypesContext(null),
    },
    python: BACKEND_SETTINGS,
    project: projectNames('example', 'apps/web'),
    ...overrides,
  };
}
