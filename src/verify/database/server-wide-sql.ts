import { withoutComments } from '../../db/split-statements.js';
import { repoScripts, type RepoSql } from './repo-scripts.js';

/**
 * Statements that change what a server's databases share rather than one database: roles and
 * users, role memberships (GRANT or REVOKE of a role, which names no object with ON), role
 * settings and comments. Read from the text without its comments (strings and bodies included:
 * a false match only costs the grant modes running one after the other). A routine whose body
 * creates roles counts though it is only defined: a later statement may call it.
 */
const SERVER_WIDE = [
  /\b(?:create|alter|drop)\s+(?:role|user|group)\b/i,
  /\bgrant\s+(?:(?!\bon\b)[^;])*?\bto\b/i,
  /\brevoke\s+(?:(?!\bon\b)[^;])*?\bfrom\b/i,
  /\bcomment\s+on\s+role\b/i,
];

/**
 * Whether the repo's SQL (migrations, seed, schema files, pgTAP tests) may change the server's
 * shared state: then grant modes on one server cannot run side by side, as each would meet the
 * other's roles half made (a guarded `create role` racing its twin).
 */
export async function repoChangesServerState(repo: RepoSql): Promise<boolean> {
  const scripts = await repoScripts(repo, { tests: true });
  return scripts.some(({ sql }) => {
    const code = withoutComments(sql);
    return SERVER_WIDE.some((pattern) => pattern.test(code));
  });
}
