import { z } from 'zod';

/** The shape of `verify-phase --json`, for consumers that want to validate it. */
const locationSchema = z.strictObject({
  file: z.string().min(1),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});

const findingSchema = z.strictObject({ message: z.string().min(1), location: locationSchema.optional() });

const checkSchema = z.strictObject({
  name: z.string().min(1),
  title: z.string().min(1),
  status: z.enum(['pass', 'fail', 'skip']),
  durationMs: z.number().nonnegative(),
  reason: z.string().min(1).nullable(),
  findings: z.array(findingSchema),
  warnings: z.array(findingSchema),
});

export const verifyReportSchema = z.strictObject({
  phase: z.string().regex(/^\d{2}$/),
  root: z.string().min(1),
  engine: z.enum(['embedded', 'postgres']),
  /** How the human report names the engine, e.g. `emulated Supabase (PostgreSQL 18 via PGlite)`. */
  engineDescription: z.string().min(1),
  grants: z.array(z.enum(['legacy', 'current'])).min(1),
  strict: z.boolean(),
  ok: z.boolean(),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  checks: z.array(checkSchema).min(1),
  summary: z.strictObject({ passed: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
  marker: z.string().nullable(),
});

export type VerifyReportJson = z.infer<typeof verifyReportSchema>;
