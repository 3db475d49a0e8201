/**
 * How `--db-url` runs know their footprint on a server, whatever process made it: role comments.
 *
 * - A role a run created is commented `<MARK> <run id>`; a run is live while a session whose
 *   application_name is that same text is connected.
 * - A role of the server that runs changed for themselves (see server-role-match) is commented
 *   `<MARK> <run id> <record>`, the record (JSON) saying what the role was before, so that the
 *   last run to end, or the next one after a killed run, gives it back.
 */
import * as z from 'zod/mini';

/** Comments of the roles runs create start with this; application_name of a live run too. */
export const RUN_MARK = 'create-saas-db verify run';

export const runMark = (id: string) => `${RUN_MARK} ${id}`;

const CREATED = new RegExp(`^${RUN_MARK} [0-9a-f]+$`);
const CHANGED = new RegExp(`^${RUN_MARK} [0-9a-f]+ (\\{.*\\})$`, 's');

/** A SQL regular expression matching the comments of roles runs created. */
export const CREATED_ROLE_COMMENT_PATTERN = `^${RUN_MARK} [0-9a-f]+$`;
/** A SQL regular expression matching the comments of roles runs changed. */
export const CHANGED_ROLE_COMMENT_PATTERN = `^${RUN_MARK} [0-9a-f]+ \\{`;

export const isCreatedRoleComment = (comment: string | null): boolean => comment !== null && CREATED.test(comment);

/** The attributes that change what a session can do once it has switched to a role. */
export const ROLE_ATTRIBUTES = ['superuser', 'createdb', 'createrole', 'replication', 'bypassrls', 'inherit'] as const;
export type RoleAttribute = (typeof ROLE_ATTRIBUTES)[number];

const membershipSchema = z.object({
  role: z.string(),
  grantor: z.nullable(z.string()),
  admin: z.boolean(),
  /** pg_auth_members' other per-grant options on the server's version (16+: inherit_option, set_option). */
  options: z.record(z.string(), z.unknown()),
});
export type Membership = z.infer<typeof membershipSchema>;

const recordSchema = z.object({
  /** The role's comment before any run changed the role. */
  comment: z.nullable(z.string()),
  /** The original value of each attribute runs changed. */
  attributes: z.partialRecord(z.enum(ROLE_ATTRIBUTES), z.boolean()),
  /** Memberships runs gave the role (`adminOnly`: it was a member, runs added the admin option). */
  granted: z.array(z.object({ role: z.string(), adminOnly: z.boolean() })),
  /** Memberships runs took from the role, as they were. */
  revoked: z.array(membershipSchema),
});
export type ChangedRoleRecord = z.infer<typeof recordSchema>;

export const changedRoleComment = (id: string, record: ChangedRoleRecord) => `${runMark(id)} ${JSON.stringify(record)}`;

/** The record of a role runs changed, or null when the comment is not one (or not readable). */
export function changedRoleRecord(comment: string | null): ChangedRoleRecord | null {
  const json = comment === null ? null : CHANGED.exec(comment)?.[1];
  if (!json) return null;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
