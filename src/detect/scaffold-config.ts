import * as z from 'zod/mini';
import { CliError } from '../errors.js';
import type { ScaffoldConfigFacts } from './facts.js';
import { parseJsonText, readText } from './fs-probe.js';

export const SCAFFOLD_CONFIG_FILE = 'scaffold-config.json';

const nonEmpty = z.string().check(z.minLength(1));
const scaffoldConfigSchema = z.looseObject({
  projectName: z.optional(nonEmpty),
  name: z.optional(nonEmpty),
  payments: z.optional(z.looseObject({ tiers: z.optional(z.array(z.looseObject({ id: z.string() }))) })),
});

/** A config file is small; anything bigger is not one (and is not read). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The guide's scaffold-config.json. Absent → null; not a regular file, too big, not JSON or of
 * the wrong shape → a `config` error naming the file and the first problem (never its content).
 */
export async function readScaffoldConfig(file: string, displayName = file, readLabel = displayName): Promise<ScaffoldConfigFacts | null> {
  const text = await readText(file, { display: readLabel, maxBytes: MAX_CONFIG_BYTES, code: 'config' });
  if (text === null) return null;
  const json = parseJsonText(text, displayName, 'config');
  const parsed = scaffoldConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new CliError(
      'config',
      `${displayName}: ${where}: ${issue?.message ?? 'invalid'}; expected { "payments": { "tiers": [{ "id": "free" }, …] } }`,
    );
  }
  const tiers = parsed.data.payments?.tiers?.map((t) => t.id) ?? null;
  return { file: displayName, projectName: parsed.data.projectName ?? parsed.data.name ?? null, tiers };
}
