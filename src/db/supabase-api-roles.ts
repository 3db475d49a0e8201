/**
 * Supabase's API roles as a session that has switched to one of them (SET ROLE, as PostgREST
 * and the checks do) sees them, and the changes that make a server's roles of those names behave
 * the same. Pure: the states come from server-role-match.
 *
 * From supabase/postgres: init-scripts/00000000000000-initial-schema.sql creates anon,
 * authenticated and service_role NOLOGIN (service_role BYPASSRLS) and authenticator, a member of
 * the three; migrations 20230529180330_alter_api_roles_for_inherit make the three INHERIT and
 * 20221103090837_revoke_admin leaves authenticator a member of those three only. None is a
 * superuser or may create databases or roles or replicate.
 *
 * LOGIN, CONNECTION LIMIT, VALID UNTIL and passwords only matter when connecting as the role,
 * which a run never does: they stay as the server has them, so its clients are not affected.
 */
import { ROLE_ATTRIBUTES, type Membership, type RoleAttribute } from './server-run-marks.js';

export interface RoleState {
  readonly role: string;
  readonly attributes: Readonly<Record<RoleAttribute, boolean>>;
  readonly memberOf: readonly Membership[];
  readonly comment: string | null;
}

interface WantedRole {
  readonly role: string;
  /** null: the role's attributes are its own. */
  readonly attributes: Readonly<Record<RoleAttribute, boolean>> | null;
  readonly memberOf: readonly { readonly role: string; readonly admin: boolean }[];
  /** The role is a member of nothing else. */
  readonly onlyThese: boolean;
}

const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;
const PLAIN = { superuser: false, createdb: false, createrole: false, replication: false, bypassrls: false, inherit: true };

const SUPABASE_API_ROLES: readonly WantedRole[] = [
  { role: 'anon', attributes: PLAIN, memberOf: [], onlyThese: true },
  { role: 'authenticated', attributes: PLAIN, memberOf: [], onlyThese: true },
  { role: 'service_role', attributes: { ...PLAIN, bypassrls: true }, memberOf: [], onlyThese: true },
  {
    role: 'authenticator',
    attributes: { ...PLAIN, inherit: false },
    memberOf: API_ROLES.map((role) => ({ role, admin: false })),
    onlyThese: true,
  },
];

/**
 * A `postgres` that is not a superuser runs migrations as on a project, where it may switch to
 * the API roles and grant them on (the emulation's 00_roles.sql grants the same): given here, so
 * that a server's own postgres gets back what it had.
 */
const PROJECT_POSTGRES: WantedRole = {
  role: 'postgres',
  attributes: null,
  memberOf: API_ROLES.map((role) => ({ role, admin: true })),
  onlyThese: false,
};

/** The roles whose state planRoleMatch needs. */
export const MATCHED_ROLE_NAMES: readonly string[] = [...SUPABASE_API_ROLES.map((r) => r.role), PROJECT_POSTGRES.role];

export type RoleChange =
  | { readonly kind: 'attribute'; readonly role: string; readonly attribute: RoleAttribute; readonly to: boolean }
  | { readonly kind: 'revoke'; readonly role: string; readonly membership: Membership }
  | { readonly kind: 'grant'; readonly role: string; readonly group: string; readonly admin: boolean; readonly adminOnly: boolean };

/**
 * What makes the server's roles (`states`: those of MATCHED_ROLE_NAMES that exist) behave as
 * Supabase's: attributes first, then memberships taken away, then given. A membership in a role
 * the server lacks is left for later (the role is created as Supabase's).
 */
export function planRoleMatch(states: readonly RoleState[]): RoleChange[] {
  const byName = new Map(states.map((s) => [s.role, s]));
  const postgres = byName.get(PROJECT_POSTGRES.role);
  const wanted = [...SUPABASE_API_ROLES, ...(postgres && !postgres.attributes.superuser ? [PROJECT_POSTGRES] : [])];
  const attributes: RoleChange[] = [];
  const revokes: RoleChange[] = [];
  const grants: RoleChange[] = [];
  for (const want of wanted) {
    const state = byName.get(want.role);
    if (!state) continue;
    for (const attribute of ROLE_ATTRIBUTES) {
      const to = want.attributes?.[attribute];
      if (to !== undefined && state.attributes[attribute] !== to) attributes.push({ kind: 'attribute', role: state.role, attribute, to });
    }
    const wantedGroups = new Set(want.memberOf.map((m) => m.role));
    if (want.onlyThese) {
      for (const membership of state.memberOf) {
        if (!wantedGroups.has(membership.role)) revokes.push({ kind: 'revoke', role: state.role, membership });
      }
    }
    for (const group of want.memberOf) {
      if (!byName.has(group.role)) continue;
      const held = state.memberOf.filter((m) => m.role === group.role);
      if (held.length === 0) grants.push({ kind: 'grant', role: state.role, group: group.role, admin: group.admin, adminOnly: false });
      else if (group.admin && !held.some((m) => m.admin)) {
        grants.push({ kind: 'grant', role: state.role, group: group.role, admin: true, adminOnly: true });
      }
    }
  }
  return [...attributes, ...revokes, ...grants];
}

/** The attribute as CREATE ROLE spells it, e.g. BYPASSRLS or NOINHERIT. */
export const attributeKeyword = (attribute: RoleAttribute, on: boolean) => `${on ? '' : 'NO'}${attribute.toUpperCase()}`;
