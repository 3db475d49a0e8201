import * as z from 'zod/mini';
import { CliError } from '../errors.js';
import type { ScaffoldConfigFacts } from './facts.js';
import { readText } from './fs-probe.js';

export const SCAFFOLD_CONFIG_FILE = 'scaffold-config.json';

const nonEmpty = z.string().check(z.minLength(1));
const scaffoldConfigSchema = z.looseObject({
  projectName: z.optional(nonEmpty),
  name: z.optional(nonEmpty),
  payments: z.optional(z.looseObject({ tiers: z.optional(z.array(z.looseObject({ id: z.string() }))) })),
});

/**
 * The guide's scaffold-config.json. Absent → null; unreadable, not JSON or of the wrong shape →
 * a `config` error naming the file and the first problem.
 */
export async function readScaffoldConfig(file: string, displayName = file): Promise<ScaffoldConfigFacts | null> {
  const text = await readText(file);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError('config', `${displayName} is not valid JSON (${(error as Error).message}): fix or remove it`);
  }
  const parsed = scaffoldConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new CliError('config', `${displayName}: ${where}: ${issue?.message ?? 'invalid'}; expected { "payments": { "tiers": [{ "id": "free" }, …] } }`);
  }
  const tiers = parsed.data.payments?.tiers?.map((t) => t.id) ?? null;
  return { file: displayName, projectName: parsed.data.projectName ?? parsed.data.name ?? null, tiers };
}
