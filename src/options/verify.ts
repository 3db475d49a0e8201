import * as z from 'zod/mini';
import type { PhaseDefinition } from '../verify/phase.js';
import { findPhase, knownPhaseIds } from '../verify/registry.js';
import { dirInsideTarget, fileFromCwd, repoDir } from './paths.js';
import { statementTimeoutField } from './time-limits.js';
import { postgresUrl } from './urls.js';
import { defineCommand, field, flag, text, type OptionsOf } from './spec.js';

const phaseId = z.pipe(
  z.string().check(
    z.superRefine((id, ctx) => {
      if (!findPhase(id)) ctx.addIssue({ code: 'custom', message: `unknown phase "${id}"; known phases: ${knownPhaseIds().join(', ')}` });
    }),
  ),
  z.transform((id: string) => findPhase(id) as PhaseDefinition),
);

const checkList = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
);

/** `verify-phase <phase> [dir] [options]` (also `create-saas-db verify …`). */
export const verifyCommand = defineCommand({
  name: 'verify-phase',
  description: 'Prove that a scaffolding phase works: its SQL applies and is secure, its clients compile.',
  arguments: {
    phase: field('<phase>', `phase to verify (${knownPhaseIds().join(', ')})`, phaseId),
    dir: field('[dir]', 'repo root', repoDir(), '.'),
  },
  options: {
    dbUrl: field(
      '--db-url <url>',
      'run the database checks in a temporary database on this PostgreSQL server (default: embedded engine)',
      z.optional(postgresUrl()),
    ),
    statementTimeout: statementTimeoutField(),
    grants: field(
      '--grants <mode>',
      'Supabase default grants to verify under: legacy, current or both',
      z._default(z.enum(['legacy', 'current', 'both'], { error: 'must be legacy, current or both' }), 'both'),
      'both',
    ),
    skip: field('--skip <checks>', 'comma-separated checks to skip', z._default(checkList, [])),
    strict: field('--strict', 'a skipped check fails the run', flag(false)),
    advisors: field(
      '--advisors <level>',
      "advisor findings that fail: warn (warnings and errors on the phase's objects), error, all (also the repo's own objects), or off",
      z._default(z.enum(['warn', 'error', 'all', 'off'], { error: 'must be warn, error, all or off' }), 'warn'),
      'warn',
    ),
    python: field('--python <path>', 'Python interpreter with supabase installed (default: the backend .venv)', z.optional(text())),
    webDir: field('--web-dir <dir>', 'web app directory relative to the repo', z.optional(dirInsideTarget())),
    backendDir: field('--backend-dir <dir>', 'Python backend directory relative to the repo', z.optional(dirInsideTarget())),
    json: field('--json', 'print the report as one JSON document', flag(false)),
    junit: field('--junit <file>', 'also write the report as JUnit XML', z.optional(fileFromCwd())),
  },
  helpAfter:
    '\nExit codes: 0 all checks passed, 1 a check failed, 2 usage error or an extension the repo creates missing on the --db-url server, 130 interrupted.',
  crossCheck: ({ phase, skip }) => {
    const names = phase.checks.map((c) => c.name);
    const unknown = skip.filter((name) => !names.includes(name));
    return unknown.length === 0
      ? null
      : { field: 'skip', message: `unknown check ${unknown.join(', ')}; phase ${phase.id} has: ${names.join(', ')}` };
  },
});

export type VerifyCliOptions = OptionsOf<typeof verifyCommand>;
