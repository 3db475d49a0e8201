/** How the human report paints a word; `plain` leaves every byte as it is. */
export interface Palette {
  readonly ok: (text: string) => string;
  readonly change: (text: string) => string;
  readonly quiet: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly heading: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export const plain: Palette = { ok: (t) => t, change: (t) => t, quiet: (t) => t, bad: (t) => t, heading: (t) => t };

export const ansi: Palette = {
  ok: sgr(32, 39),
  change: sgr(33, 39),
  quiet: sgr(2, 22),
  bad: sgr(31, 39),
  heading: sgr(1, 22),
};

/**
 * Colours only for a person at a terminal: never with --json; NO_COLOR (any non-empty value)
 * turns them off, FORCE_COLOR (other than 0/false) on even into a pipe; otherwise stdout's
 * being a terminal decides.
 */
export function wantsColor(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean, json: boolean): boolean {
  if (json) return false;
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stdoutIsTTY;
}
