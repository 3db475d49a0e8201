/**
 * What Phase 04 is, as the spec states it: the values generate writes into the templates and
 * verify checks a repo against. Change them here and both sides follow.
 */

/** The five tables the phase creates in `public`, in the order the schema creates them. */
export const PHASE_TABLES = ['users', 'subscriptions', 'jobs', 'assets', 'subscription_audit'] as const;
export type PhaseTable = (typeof PHASE_TABLES)[number];

/** The guide's tiers, used when neither --tiers nor a scaffold-config.json names any; the first is the default. */
export const DEFAULT_TIERS = ['free', 'pro', 'studio', 'enterprise'] as const;

/** Stripe subscription statuses accepted by `users.subscription_status` and `subscriptions.status`. */
export const STRIPE_SUBSCRIPTION_STATUSES = [
  'active',
  'past_due',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'unpaid',
  'paused',
] as const;

/** Where the backend module reads its settings: `from src.config import settings`, and the attributes it uses. */
export const BACKEND_SETTINGS = {
  configModule: 'src.config',
  urlSetting: 'SUPABASE_URL',
  keySetting: 'SUPABASE_SERVICE_ROLE_KEY',
} as const;

/**
 * The phase's trigger functions and its triggers on `auth.users`, by role, with the spec's
 * names. Supabase's docs use the same names, so a repo often has its own: the phase's then take
 * the name with `PHASE_NAME_SUFFIX` (the repo's are never replaced). Migrations, seed and tests
 * read the names from the render context.
 */
export const PHASE_ROUTINE_NAMES = {
  signUpFunction: 'handle_new_user',
  signUpTrigger: 'on_auth_user_created',
  emailChangeFunction: 'handle_user_email_change',
  emailChangeTrigger: 'on_auth_user_email_changed',
  updatedAtFunction: 'update_updated_at',
} as const;
export type PhaseRoutineRole = keyof typeof PHASE_ROUTINE_NAMES;
export type PhaseRoutineNames = { readonly [K in PhaseRoutineRole]: string };

export const PHASE_NAME_SUFFIX = '_phase04';

/** Where each routine lives: functions in `public`, the sign-up and email triggers on `auth.users`. */
export const PHASE_ROUTINE_KEYS: { readonly [K in PhaseRoutineRole]: (name: string) => string } = {
  signUpFunction: (n) => `function public.${n}`,
  signUpTrigger: (n) => `trigger ${n} on auth.users`,
  emailChangeFunction: (n) => `function public.${n}`,
  emailChangeTrigger: (n) => `trigger ${n} on auth.users`,
  updatedAtFunction: (n) => `function public.${n}`,
};
