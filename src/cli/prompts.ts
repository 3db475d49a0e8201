import { CliError } from '../errors.js';
import type { PlannedFile } from '../plan/types.js';
import { unifiedDiff } from '../report/unified-diff.js';

/** Interactive questions; @clack/prompts is loaded only when a question is actually asked. */
async function clack() {
  return import('@clack/prompts');
}

function orCancel<T>(value: T, isCancel: (v: unknown) => v is symbol): Exclude<T, symbol> {
  if (isCancel(value)) throw new CliError('cancelled', 'cancelled: nothing was written');
  return value as Exclude<T, symbol>;
}

export async function askWebDir(candidates: readonly string[]): Promise<string> {
  const p = await clack();
  return orCancel(
    await p.select({
      message: 'Several Next.js apps found. Which one gets the Supabase clients?',
      options: candidates.map((c) => ({ value: c, label: c || '(repo root)' })),
    }),
    p.isCancel,
  );
}

/** No Next.js app found: one of the directories, or null for no web app (--no-web). */
export async function askWebApp(candidates: readonly string[]): Promise<string | null> {
  const p = await clack();
  const NONE = '\0none';
  const answer = orCancel(
    await p.select({
      message: 'No Next.js app found. Which directory gets the Supabase clients?',
      options: [...candidates.map((c) => ({ value: c, label: c || '(repo root)' })), { value: NONE, label: 'no web app (--no-web)' }],
    }),
    p.isCancel,
  );
  return answer === NONE ? null : answer;
}

export async function askBackend(candidates: readonly string[]): Promise<string | null> {
  const p = await clack();
  const NONE = '\0none';
  const answer = orCancel(
    await p.select({
      message: 'Several Python backends found. Which one gets the database module?',
      options: [...candidates.map((c) => ({ value: c, label: c || '(repo root)' })), { value: NONE, label: 'none (--no-backend)' }],
    }),
    p.isCancel,
  );
  return answer === NONE ? null : answer;
}

export async function askTiers(initial: readonly string[], validate: (value: string) => string | undefined): Promise<string> {
  const p = await clack();
  return orCancel(
    await p.text({
      message: 'Subscription tiers (comma separated, lowercase; first is the default)',
      placeholder: initial.join(','),
      defaultValue: initial.join(','),
      validate: (v) => (v ? validate(v) : undefined),
    }),
    p.isCancel,
  );
}

export async function askNaming(): Promise<'sequential' | 'timestamp'> {
  const p = await clack();
  return orCancel(
    await p.select({
      message: 'Migration file names',
      options: [
        { value: 'sequential' as const, label: '00001_initial_schema.sql', hint: 'as the guide' },
        { value: 'timestamp' as const, label: '20260101120000_initial_schema.sql', hint: 'as `supabase migration new`' },
      ],
    }),
    p.isCancel,
  );
}

/** keep / overwrite (backup kept) / show the diff and ask again. */
export async function askConflict(file: PlannedFile, write: (text: string) => void): Promise<'keep' | 'overwrite'> {
  const p = await clack();
  for (;;) {
    const choice = orCancel(
      await p.select({
        message: `${file.path} differs from the generated file`,
        options: [
          { value: 'keep' as const, label: 'Keep mine' },
          { value: 'overwrite' as const, label: 'Overwrite (a .bak backup is kept)' },
          { value: 'diff' as const, label: 'Show the diff' },
        ],
      }),
      p.isCancel,
    );
    if (choice !== 'diff') return choice;
    write(unifiedDiff(file.path, file.previous, file.content ?? ''));
  }
}
