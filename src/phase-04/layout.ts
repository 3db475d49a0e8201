import path from 'node:path';
import type { ProjectFacts } from '../detect/facts.js';
import { DEFAULT_SEED_FILE } from '../detect/seed-paths.js';

/** Where the phase's files live in a given repo, relative to its root (posix). */
export interface PhaseLayout {
  /** False with --no-web: no web client files, no web dependencies. */
  readonly web: boolean;
  readonly migrationsDir: string;
  readonly seedFile: string;
  readonly testsDir: string;
  readonly webLibDir: string;
  /** client, server, admin, config and the session module, under webLibDir. */
  readonly webFiles: readonly string[];
  /** The root `proxy.ts` (Next ≥ 16) or `middleware.ts` (Next 15). */
  readonly rootSessionFile: string;
  /** `lib/supabase/proxy` or `lib/supabase/middleware`: which convention applies. */
  readonly sessionFile: 'proxy' | 'middleware';
  /** `<backend>/src/database.py`, or null when there is no backend. */
  readonly backendFile: string | null;
  /** Where the `Database` types go. */
  readonly typesFile: string;
}

/** Where the Supabase CLI keeps migrations; the phase's land there too. */
export const MIGRATIONS_DIR = 'supabase/migrations';

/** The spec's web modules under lib/supabase; verify requires these (and the session module). */
export const SPEC_WEB_MODULES = ['client', 'server', 'admin'] as const;
/** What generate writes there besides the session module: the spec's modules and their shared config. */
export const WEB_CLIENT_MODULES = [...SPEC_WEB_MODULES, 'config'] as const;

export function sessionFileFor(nextMajor: number): 'proxy' | 'middleware' {
  return nextMajor >= 16 ? 'proxy' : 'middleware';
}

export function phaseLayout(facts: ProjectFacts, options: { backend?: boolean; web?: boolean } = {}): PhaseLayout {
  const sessionFile = sessionFileFor(facts.web.nextMajor);
  const inCode = (p: string) => path.posix.join(facts.web.codeDir || '.', p).replace(/^\.\//, '');
  const webLibDir = inCode('lib/supabase');
  const wantsBackend = options.backend ?? true;
  return {
    web: options.web ?? true,
    migrationsDir: MIGRATIONS_DIR,
    seedFile: DEFAULT_SEED_FILE,
    testsDir: 'supabase/tests/database',
    webLibDir,
    webFiles: [...WEB_CLIENT_MODULES, sessionFile].map((name) => `${webLibDir}/${name}.ts`),
    rootSessionFile: inCode(`${sessionFile}.ts`),
    sessionFile,
    backendFile: wantsBackend && facts.backend ? path.posix.join(facts.backend.dir, 'src/database.py') : null,
    typesFile: facts.typesPackageFile ?? `${webLibDir}/database.types.ts`,
  };
}
