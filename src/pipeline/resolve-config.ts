import path from 'node:path';
import { CliError } from '../errors.js';
import type { MigrationNaming, ProjectFacts } from '../detect/facts.js';
import { readScaffoldConfig } from '../detect/scaffold-config.js';
import type { GenerateOptions } from '../options/generate.js';
import { tiersSchema } from '../options/tiers.js';
import { DEFAULT_TIERS } from '../phase-04/spec.js';

export interface ResolvedConfig {
  readonly tiers: readonly string[];
  readonly tiersSource: 'flag' | 'config' | 'default';
  readonly projectName: string;
  readonly naming: MigrationNaming;
}

/** Tiers: --tiers, else --config, else the repo's scaffold-config.json, else the guide's four. */
export async function resolveConfig(options: GenerateOptions, facts: ProjectFacts, cwd: string): Promise<ResolvedConfig> {
  const explicit = options.config ? await readExplicitConfig(path.resolve(cwd, options.config), options.config) : null;
  const config = explicit ?? facts.scaffoldConfig;
  let tiers: readonly string[] = DEFAULT_TIERS;
  let tiersSource: ResolvedConfig['tiersSource'] = 'default';
  if (options.tiers) {
    tiers = options.tiers;
    tiersSource = 'flag';
  } else if (config?.tiers) {
    const parsed = tiersSchema.safeParse(config.tiers);
    if (!parsed.success) throw new CliError('config', `${config.file}: payments.tiers: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    tiers = parsed.data;
    tiersSource = 'config';
  }
  return {
    tiers,
    tiersSource,
    projectName: config?.projectName ?? path.basename(facts.root),
    naming: resolveNaming(options.naming, facts),
  };
}

async function readExplicitConfig(file: string, display: string) {
  const config = await readScaffoldConfig(file, display, `--config ${display}`);
  if (config === null) throw new CliError('config', `--config ${display}: file not found`);
  return config;
}

/** The repo's own naming wins: a repo on timestamps must never get `00003_…`, which sorts first. */
function resolveNaming(requested: MigrationNaming | undefined, facts: ProjectFacts): MigrationNaming {
  const existing = facts.supabase.naming;
  if (existing && requested && requested !== existing) {
    throw new CliError(
      'usage',
      `--naming ${requested}: supabase/migrations already uses ${existing} versions; drop --naming or pass --naming ${existing}`,
    );
  }
  return existing ?? requested ?? 'sequential';
}
