import { z } from 'zod';

export const TIER_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** Tiers: 1–16 unique lowercase identifiers. They end up inside SQL CHECK constraints. */
export const tiersSchema = z
  .array(z.string())
  .min(1, 'at least one tier is required')
  .max(16, 'at most 16 tiers are allowed')
  .superRefine((tiers, ctx) => {
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
  });

export function parseTierList(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((tier) => tier.trim());
}

const relativeDir = z.string().min(1, 'must not be empty');

/** Every option of the generate command: the single source of truth for flags and prompts. */
export const generateOptionsSchema = z.object({
  dir: z.string().min(1).default('.'),
  webDir: relativeDir.optional(),
  backendDir: relativeDir.optional(),
  backend: z.boolean().default(true),
  tiers: tiersSchema.optional(),
  naming: z.enum(['sequential', 'timestamp'], { message: 'must be "sequential" or "timestamp"' }).optional(),
  config: z.string().min(1).optional(),
  append: z.boolean().default(false),
  install: z.boolean().default(true),
  types: z.boolean().default(true),
  yes: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  diff: z.boolean().default(false),
  force: z.boolean().default(false),
  json: z.boolean().default(false),
});

export type GenerateOptions = z.infer<typeof generateOptionsSchema>;

/** Formats the first zod issue as `--flag: message`. */
export function describeOptionsError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid options';
  const key = String(issue.path[0] ?? '');
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  return `${flag}: ${issue.message}`;
}
