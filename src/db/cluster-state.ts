/**
 * A server's cluster-level state (roles, memberships, role and database settings, databases,
 * tablespaces, shared comments, replication slots, subscriptions, parameter privileges; for a
 * superuser also passwords, as digests, and ALTER SYSTEM settings), as a `--db-url` run sees it
 * without runs: the roles runs created and their verify_<hex> databases are left out, and a
 * role runs changed is taken as its record says it was. Comparing the state before and after a
 * run tells what changed on the server that the run did not give back: the repo's SQL, or
 * another client meanwhile.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { packageRoot } from '../package-root.js';
import { changedRoleRecord, isCreatedRoleComment, type ChangedRoleRecord } from './server-run-marks.js';

const sqlFile = (name: string) => readFileSync(path.join(packageRoot, 'resources', 'server-run', name), 'utf8');

type Props = Readonly<Record<string, unknown>>;

/** One row of cluster-state.sql: `kind` and `a`, `b`, `c` name the item. */
export interface ClusterItem {
  readonly kind: string;
  readonly a: string | null;
  readonly b: string | null;
  readonly c: string | null;
  /** The roles the item belongs to: the runs' own are left out. */
  readonly roles: readonly string[];
  readonly database: string | null;
  readonly props: Props;
}

/** Items by key, as without runs. */
export type ClusterState = ReadonlyMap<string, { readonly label: string; readonly props: Props }>;

/** A run's temporary database (throwaway-database's names). */
const RUN_DATABASE = /^verify_[0-9a-f]{12}$/;

export async function readClusterState(client: pg.Client): Promise<ClusterState> {
  const { rows } = await client.query<ClusterItem>(sqlFile('cluster-state.sql'));
  const { rows: superuser } = await client.query<{ is: boolean }>(
    'select rolsuper as is from pg_catalog.pg_roles where rolname = current_user',
  );
  const privileged = superuser[0]?.is ? (await client.query<ClusterItem>(sqlFile('cluster-state-superuser.sql'))).rows : [];
  return clusterStateWithoutRuns([...rows, ...privileged]);
}

/** The items as they would be without runs (see the module's comment). */
export function clusterStateWithoutRuns(items: readonly ClusterItem[]): ClusterState {
  const created = new Set<string>();
  const records = new Map<string, ChangedRoleRecord>();
  for (const item of items) {
    if (item.kind !== 'comment' || item.a !== 'role' || !item.b) continue;
    const text = typeof item.props.text === 'string' ? item.props.text : null;
    if (isCreatedRoleComment(text)) created.add(item.b);
    const record = changedRoleRecord(text);
    if (record) records.set(item.b, record);
  }
  const state = new Map<string, { label: string; props: Props }>();
  const put = (item: Pick<ClusterItem, 'kind' | 'a' | 'b' | 'c'>, props: Props) =>
    state.set(JSON.stringify([item.kind, item.a, item.b, item.c]), { label: labelOf(item), props });
  for (const item of items) {
    if (item.roles.some((r) => created.has(r)) || (item.database !== null && RUN_DATABASE.test(item.database))) continue;
    const role = item.kind === 'comment' ? (item.a === 'role' ? item.b : null) : item.a;
    const props = asBefore(item, role === null ? undefined : records.get(role));
    if (props) put(item, props);
  }
  for (const [role, record] of records) {
    for (const taken of record.revoked) {
      if (created.has(taken.role)) continue;
      put(
        { kind: 'membership', a: role, b: taken.role, c: null },
        { 'granted by': taken.grantor, 'admin option': taken.admin, ...taken.options },
      );
    }
  }
  return state;
}

/** The item's props before runs changed its role (`record`), or null when runs added it. */
function asBefore(item: ClusterItem, record: ChangedRoleRecord | undefined): Props | null {
  if (!record) return item.props;
  switch (item.kind) {
    case 'role':
      return { ...item.props, ...record.attributes };
    case 'membership': {
      const given = record.granted.find((g) => g.role === item.b);
      if (!given) return item.props;
      return given.adminOnly ? { ...item.props, 'admin option': false } : null;
    }
    case 'comment':
      return record.comment === null ? null : { text: record.comment };
    default:
      return item.props;
  }
}

function labelOf({ kind, a, b, c }: Pick<ClusterItem, 'kind' | 'a' | 'b' | 'c'>): string {
  switch (kind) {
    case 'membership':
      return `membership of role ${a} in ${b}`;
    case 'setting':
      return `setting ${c} of ${[a === null ? null : `role ${a}`, b === null ? null : `database ${b}`].filter(Boolean).join(' in ') || 'every role'}`;
    case 'comment':
      return `comment on ${a} ${b}`;
    case 'password':
      return `password of role ${a}`;
    case 'system setting':
      return `ALTER SYSTEM setting ${a}`;
    case 'parameter privileges':
      return `privileges on parameter ${a}`;
    default:
      return `${kind} ${a}`;
  }
}

/** Props whose values are not shown, only that they changed. */
const HIDDEN = new Set(['digest']);

/** Each difference between two states, one line each, in a stable order. */
export function clusterChanges(before: ClusterState, after: ClusterState): string[] {
  const changes: string[] = [];
  for (const [key, was] of before) {
    const now = after.get(key);
    if (!now) {
      changes.push(`${was.label} removed`);
      continue;
    }
    const props = [...new Set([...Object.keys(was.props), ...Object.keys(now.props)])].sort();
    for (const prop of props) {
      const from = JSON.stringify(was.props[prop] ?? null);
      const to = JSON.stringify(now.props[prop] ?? null);
      if (from === to) continue;
      changes.push(HIDDEN.has(prop) ? `${was.label} changed` : `${was.label}: ${prop} ${from} → ${to}`);
    }
  }
  for (const [key, now] of after) {
    if (before.has(key)) continue;
    const shown = Object.entries(now.props).filter(([prop]) => !HIDDEN.has(prop));
    const value = shown.length === 1 && ['value', 'text', 'privileges'].includes(shown[0]![0]) ? ` (${JSON.stringify(shown[0]![1])})` : '';
    changes.push(`${now.label} added${value}`);
  }
  return changes;
}
