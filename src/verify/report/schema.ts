import * as z from 'zod/mini';

const text = () => z.string().check(z.minLength(1));
/** A line or column: from 1. */
const position = () => z.int().check(z.positive());
const duration = () => z.number().check(z.nonnegative());

const locationSchema = z.strictObject({
  file: text(),
  line: z.optional(position()),
  column: z.optional(position()),
});

const findingSchema = z.strictObject({ message: text(), location: z.optional(locationSchema), group: z.optional(text()) });

const checkSchema = z.strictObject({
  name: text(),
  title: text(),
  status: z.enum(['pass', 'fail', 'skip']),
  durationMs: duration(),
  reason: z.nullable(text()),
  findings: z.array(findingSchema),
  warnings: z.array(findingSchema),
});

/** The shape of `verify-phase --json`, for consumers that want to validate it. */
export const verifyReportSchema = z.strictObject({
  phase: z.string().check(z.regex(/^\d{2}$/)),
  root: text(),
  engine: z.enum(['embedded', 'postgres']),
  /** How the human report names the engine, e.g. `emulated Supabase (PostgreSQL 18 via PGlite)`. */
  engineDescription: text(),
  grants: z.array(z.enum(['legacy', 'current'])).check(z.minLength(1)),
  strict: z.boolean(),
  ok: z.boolean(),
  startedAt: z.iso.datetime(),
  durationMs: duration(),
  checks: z.array(checkSchema).check(z.minLength(1)),
  summary: z.strictObject({ passed: z.int(), failed: z.int(), skipped: z.int() }),
  marker: z.nullable(z.string()),
});

export type VerifyReportJson = z.infer<typeof verifyReportSchema>;
