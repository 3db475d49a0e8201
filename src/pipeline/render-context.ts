import type { ProjectFacts } from '../detect/facts.js';
import type { PhaseLayout } from '../phase-04/layout.js';
import { projectNames } from '../phase-04/project-scaffold.js';
import {
  BACKEND_SETTINGS,
  DEFAULT_TIERS,
  PHASE_ROUTINE_NAMES,
  STRIPE_SUBSCRIPTION_STATUSES,
  type PhaseRoutineNames,
} from '../phase-04/spec.js';
import { relativeImport } from '../plan/relative-import.js';
import { databaseTypesContext, type EnvAccess, type RenderContext } from '../render/context.js';
import type { ResolvedConfig } from './resolve-config.js';

/** Turns facts and config into the values templates substitute. */
export function buildRenderContext(
  facts: ProjectFacts,
  layout: PhaseLayout,
  config: ResolvedConfig,
  options: { readonly typedClients: boolean; readonly names?: PhaseRoutineNames },
): RenderContext {
  const libFile = `${layout.webLibDir}/client.ts`;
  return {
    tiers: config.tiers,
    defaultTier: config.tiers[0] ?? DEFAULT_TIERS[0],
    subscriptionStatuses: STRIPE_SUBSCRIPTION_STATUSES,
    projectName: config.projectName,
    names: options.names ?? PHASE_ROUTINE_NAMES,
    web: {
      nextMajor: facts.web.nextMajor,
      sessionFile: layout.sessionFile,
      sessionImport: relativeImport(layout.rootSessionFile, `${layout.webLibDir}/${layout.sessionFile}`),
      env: envAccess(facts, libFile),
      ...databaseTypesContext(options.typedClients ? relativeImport(libFile, layout.typesFile.replace(/\.ts$/, '')) : null),
    },
    python: BACKEND_SETTINGS,
    project: projectNames(config.projectName, facts.web.dir),
  };
}

const PUBLIC_KEY_NAMES = ['NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY', 'NEXT_PUBLIC_SUPABASE_ANON_KEY'];
const SECRET_KEY_NAMES = ['SUPABASE_SECRET_KEY', 'SUPABASE_SERVICE_ROLE_KEY'];

/**
 * The app's env module is used when it exports both objects and names the URL, a public key and
 * a secret key; otherwise the clients read process.env themselves.
 */
function envAccess(facts: ProjectFacts, libFile: string): EnvAccess {
  const module = facts.web.envModule;
  if (!module?.exportsPublicEnv || !module.exportsEnv) return { kind: 'process' };
  const publicKeyKey = PUBLIC_KEY_NAMES.find((k) => module.keys.includes(k));
  const secretKeyKey = SECRET_KEY_NAMES.find((k) => module.keys.includes(k));
  if (!module.keys.includes('NEXT_PUBLIC_SUPABASE_URL') || !publicKeyKey || !secretKeyKey) return { kind: 'process' };
  return {
    kind: 'module',
    importPath: relativeImport(libFile, module.file.replace(/\.(m?ts|m?js)$/, '')),
    urlKey: 'NEXT_PUBLIC_SUPABASE_URL',
    publicKeyKey,
    secretKeyKey,
  };
}
