import type { PhaseTable } from './spec.js';

/**
 * The spec's five tables and their columns, with the types the generated schema uses
 * (`assets.file_size` is bigint: integer overflows at 2 GiB). Columns the repo adds are fine.
 */
export const EXPECTED_TABLES: Readonly<Record<PhaseTable, Readonly<Record<string, readonly string[]>>>> = {
  users: {
    id: ['uuid'],
    email: ['text', 'character varying'],
    name: ['text'],
    avatar_url: ['text'],
    subscription_tier: ['text'],
    subscription_status: ['text'],
    monthly_usage: ['integer', 'bigint'],
    usage_reset_at: ['timestamp with time zone'],
    created_at: ['timestamp with time zone'],
    updated_at: ['timestamp with time zone'],
  },
  subscriptions: {
    id: ['uuid'],
    user_id: ['uuid'],
    stripe_subscription_id: ['text'],
    stripe_customer_id: ['text'],
    tier: ['text'],
    status: ['text'],
    current_period_start: ['timestamp with time zone'],
    current_period_end: ['timestamp with time zone'],
    cancel_at_period_end: ['boolean'],
    created_at: ['timestamp with time zone'],
    updated_at: ['timestamp with time zone'],
  },
  jobs: {
    id: ['uuid'],
    user_id: ['uuid'],
    job_type: ['text'],
    status: ['text'],
    progress: ['integer', 'smallint'],
    error_message: ['text'],
    parameters: ['jsonb'],
    result: ['jsonb'],
    created_at: ['timestamp with time zone'],
    updated_at: ['timestamp with time zone'],
    completed_at: ['timestamp with time zone'],
  },
  assets: {
    id: ['uuid'],
    job_id: ['uuid'],
    user_id: ['uuid'],
    asset_type: ['text'],
    url: ['text'],
    storage_path: ['text'],
    file_size: ['bigint'],
    metadata: ['jsonb'],
    created_at: ['timestamp with time zone'],
  },
  subscription_audit: {
    id: ['uuid'],
    subscription_id: ['uuid'],
    user_id: ['uuid'],
    action: ['text'],
    stripe_event_id: ['text'],
    details: ['jsonb'],
    created_at: ['timestamp with time zone'],
  },
};

/** Tables whose `updated_at` a BEFORE UPDATE row trigger maintains. */
export const UPDATED_AT_TABLES = ['users', 'subscriptions', 'jobs'] as const satisfies readonly PhaseTable[];
