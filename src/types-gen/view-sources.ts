/**
 * Which table column each view column shows, read from the view's stored query tree
 * (`pg_rewrite.ev_action`). PostgreSQL records, for every output column that is a plain column
 * reference, the relation and column it comes from (`resorigtbl`, `resorigcol`); PostgREST uses
 * the same to let views take part in foreign-key embedding.
 */

export interface ViewColumnSource {
  readonly column: string;
  /** The view column's position (`resno`). */
  readonly position: number;
  readonly relationOid: string;
  readonly attnum: number;
}

const TARGET_ENTRY_TAIL =
  /:resno (\d+) :resname ((?:\\.|[^\s\\])+) :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+) :resjunk (true|false)\}$/;

/** Output columns of the view's top-level query that come straight from a relation column. */
export function viewColumnSources(queryTree: string): ViewColumnSource[] {
  const sources: ViewColumnSource[] = [];
  for (const entry of topLevelTargetEntries(queryTree)) {
    const match = TARGET_ENTRY_TAIL.exec(entry);
    if (!match) continue;
    const [, position = '0', name = '', relationOid = '0', attnum = '0', junk] = match;
    if (junk === 'true' || relationOid === '0') continue;
    sources.push({ column: unescapeToken(name), position: Number(position), relationOid, attnum: Number(attnum) });
  }
  return sources;
}

/**
 * The `{TARGETENTRY …}` nodes directly inside the outermost `{QUERY …}`: its target list.
 * Entries of subqueries (sublinks, subselects in FROM, CTEs) sit deeper and are skipped.
 */
function topLevelTargetEntries(tree: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let entryStart = -1;
  for (let i = 0; i < tree.length; i++) {
    const ch = tree[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') {
      if (depth === 1 && tree.startsWith('TARGETENTRY', i + 1)) entryStart = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 1 && entryStart >= 0) {
        entries.push(tree.slice(entryStart, i + 1));
        entryStart = -1;
      }
      // Only the first query of the rule's action list matters.
      if (depth === 0) break;
    }
  }
  return entries;
}

/** Node-tree tokens escape special characters and spaces with a backslash. */
function unescapeToken(token: string): string {
  return token.replace(/\\(.)/g, '$1');
}
