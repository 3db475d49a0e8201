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

/** `free,pro` → ['free', 'pro']; an empty list stays empty (and fails the schema). */
export function parseTierList(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((tier) => tier.trim());
}
