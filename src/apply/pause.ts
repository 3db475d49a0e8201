import { access, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A deterministic hook for the interrupted-run tests: `CREATE_SAAS_DB_PAUSE_AT=<steps>@<dir>`
 * (steps comma separated: `before-3`, `after-3` around the third write, `undo` when undoing
 * begins, `done` after the journal is removed) makes apply write `<dir>/<step>` (holding its pid)
 * at each of those steps and wait until the file is deleted, so that a test can signal or kill
 * the process at exactly that moment. Without the variable it does nothing.
 */
export type PauseAt = (step: string) => Promise<void>;

export function pauseHook(value = process.env['CREATE_SAAS_DB_PAUSE_AT']): PauseAt {
  if (!value) return async () => undefined;
  const at = value.lastIndexOf('@');
  const steps = new Set(value.slice(0, at).split(','));
  const dir = value.slice(at + 1);
  return async (step) => {
    if (!steps.has(step)) return;
    const marker = path.join(dir, step);
    // Renamed into place: a test that sees the marker always reads a whole pid.
    await writeFile(`${marker}.${process.pid}.tmp`, `${process.pid}\n`);
    await rename(`${marker}.${process.pid}.tmp`, marker);
    while (
      await access(marker).then(
        () => true,
        () => false,
      )
    )
      await sleep(20);
    // A test signals the process before it deletes the marker. The signal's event may come from a
    // later poll than the deletion's, so wait one poll more: the signal is handled before apply goes on.
    await sleep(20);
  };
}
