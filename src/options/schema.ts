// zod/mini: the same validation as classic zod at a fraction of its load time (this runs on every start).
import * as z from 'zod/mini';

export const TIER_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** Tiers: 1–16 unique lowercase identifiers. They end up inside SQL CHECK constraints. */
export const tiersSchema = z.array(z.string()).check(
  z.minLength(1, 'at least one tier is required'),
  z.maxLength(16, 'at most 16 tiers are allowed'),
  z.superRefine((tiers, ctx) => {
    const bad = tiers.find((tier) => !TIER_PATTERN.test(tier));
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `tier ${JSON.stringify(bad)} is not a lowercase identifier (a-z, 0-9, _; starting with a letter; at most 32 characters)`,
      });
      return;
    }
    const duplicate = tiers.find((tier, i) => tiers.indexOf(tier) !== i);
    if (duplicate !== undefined) ctx.addIssue({ code: 'custom', message: `tier "${duplicate}" is listed twice` });
  }),
);

export function parseTierList(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((tier) => tier.trim());
}

const relativeDir = z.string().check(z.minLength(1, 'must not be empty'));
const flag = (value: boolean) => z._default(z.boolean(), value);

/** Every option of the generate command: the single source of truth for flags and prompts. */
export const generateOptionsSchema = z.object({
  dir: z._default(relativeDir, '.'),
  webDir: z.optional(relativeDir),
  backendDir: z.optional(relativeDir),
  backend: flag(true),
  tiers: z.optional(tiersSchema),
  naming: z.optional(z.enum(['sequential', 'timestamp'], { error: 'must be "sequential" or "timestamp"' })),
  config: z.optional(relativeDir),
  append: flag(false),
  install: flag(true),
  types: flag(true),
  yes: flag(false),
  dryRun: flag(false),
  diff: flag(false),
  force: flag(false),
  json: flag(false),
});

export type GenerateOptions = z.infer<typeof generateOptionsSchema>;

/** Formats the first zod issue as `--flag: message`. */
export function describeOptionsError(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid options';
  const key = String(issue.path[0] ?? '');
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  return `${flag}: ${issue.message}`;
}
