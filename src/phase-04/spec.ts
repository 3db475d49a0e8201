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
export const BACKEND_SETTINGS = { configModule: 'src.config', urlSetting: 'SUPABASE_URL', keySetting: 'SUPABASE_SERVICE_ROLE_KEY' } as const;
