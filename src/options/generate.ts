import * as z from 'zod/mini';
import { dirInsideTarget, fileFromCwd, repoDir } from './paths.js';
import { statementTimeoutField } from './time-limits.js';
import { defineCommand, field, flag, type OptionsOf } from './spec.js';
import { DEFAULT_TIERS } from '../phase-04/spec.js';
import { parseTierList, tiersSchema } from './tiers.js';

/** `create-saas-db [dir] [options]`: every flag of the generator, the source of truth for flags and prompts. */
export const generateCommand = defineCommand({
  name: 'create-saas-db',
  description: 'Give a SaaS repo its Supabase database foundation: migrations, RLS, seed, tests, Next.js and Python clients.',
  arguments: {
    dir: field('[dir]', 'target repo (created when missing)', repoDir(), '.'),
  },
  options: {
    webDir: field(
      '--web-dir <dir>',
      'Next.js app directory inside the target (default: detected, else apps/web)',
      z.optional(dirInsideTarget()),
    ),
    backendDir: field(
      '--backend-dir <dir>',
      'Python backend directory inside the target (default: packages/backend, else the one Python backend found)',
      z.optional(dirInsideTarget()),
    ),
    web: field('--no-web', 'no web app: skip the Next.js client files and the web dependencies', flag(true)),
    backend: field('--no-backend', 'do not generate the Python database module', flag(true)),
    tiers: field(
      '--tiers <list>',
      `subscription tiers, comma separated (default: ${DEFAULT_TIERS.join(',')})`,
      z.optional(z.pipe(z.pipe(z.string(), z.transform(parseTierList)), tiersSchema)),
    ),
    naming: field(
      '--naming <style>',
      'migration names: sequential (00001_…) or timestamp (YYYYMMDDHHMMSS_…)',
      z.optional(z.enum(['sequential', 'timestamp'], { error: 'must be "sequential" or "timestamp"' })),
    ),
    config: field('--config <file>', "the guide's scaffold-config.json (payments.tiers[].id → tiers)", z.optional(fileFromCwd())),
    append: field('--append', 'add the migrations after existing ones, in the repo’s naming', flag(false)),
    install: field('--no-install', 'do not run the package manager after adding dependencies', flag(true)),
    types: field('--no-types', 'do not generate the Database types file', flag(true)),
    statementTimeout: statementTimeoutField(),
    yes: field('-y, --yes', 'no questions: take flags, config and defaults', flag(false)),
    dryRun: field('--dry-run', 'print the plan, write nothing', flag(false)),
    diff: field('--diff', 'show a diff for every file that differs', flag(false)),
    force: field('--force', 'overwrite differing files (a .bak backup is kept; migrations are never touched)', flag(false)),
    json: field('--json', 'print the report as JSON', flag(false)),
  },
  version: true,
  helpAfter:
    '\nAlso: create-saas-db verify 04 [dir] · create-saas-db types [dir]\nExit codes: 0 ok · 1 failure · 2 bad input · 3 conflicts left · 4 --append refused · 5 install failed · 130 cancelled',
});

export type GenerateOptions = OptionsOf<typeof generateCommand>;
