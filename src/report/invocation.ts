import path from 'node:path';

/** The package's name, as its published command (`npx create-saas-db …`). */
export const TOOL_NAME = 'create-saas-db';

/**
 * How to run this tool again from any directory, as the user ran it this time: `npx
 * create-saas-db` from npx or a project's node_modules, `create-saas-db` from a global install,
 * `node <clone>/bin/create-saas-db.js` from a clone of the repository (not on the registry yet).
 */
export function selfCommand(script: string | undefined = process.argv[1]): string {
  if (!script) return `npx ${TOOL_NAME}`;
  const posix = script.split(path.sep).join('/');
  // Not npm_command: a tool run by `npx` passes it on to every child process it starts.
  if (posix.includes('/_npx/') || posix.includes('/node_modules/')) return `npx ${TOOL_NAME}`;
  if (path.basename(script) === TOOL_NAME) return TOOL_NAME;
  return `node ${shellQuote(path.resolve(script))}`;
}

/** A step or note that names this tool (`create-saas-db verify 04`), with the command as invoked. */
export function withSelfCommand(text: string, self: string): string {
  if (self === TOOL_NAME) return text;
  return text.replace(/(^|`)create-saas-db (?=[a-z])/g, (_, lead: string) => `${lead}${self} `);
}

const shellQuote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
