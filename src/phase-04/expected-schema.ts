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

/**
 * The indexes the phase creates, by the columns they lead with: any valid, non-partial index
 * whose key starts with them serves (a unique constraint's too). `why` says what the index
 * serves and what its absence costs.
 */
export interface ExpectedIndex {
  readonly table: PhaseTable;
  readonly columns: readonly string[];
  readonly why: string;
}

const coversForeignKey = (parent: PhaseTable, deletion: string): string =>
  `it covers the foreign key to public.${parent}, without it ${deletion} scans the whole table`;

export const EXPECTED_INDEXES: readonly ExpectedIndex[] = [
  {
    table: 'users',
    columns: ['subscription_tier', 'subscription_status'],
    why: 'it serves the queries by plan, without it each one scans the whole table',
  },
  { table: 'users', columns: ['email'], why: 'it serves the profile lookups by email, without it each one scans the whole table' },
  { table: 'subscriptions', columns: ['user_id'], why: coversForeignKey('users', 'deleting a user (on delete cascade)') },
  {
    table: 'subscriptions',
    columns: ['stripe_subscription_id'],
    why: "it serves Stripe's webhooks, without it each lookup scans the whole table",
  },
  {
    table: 'subscriptions',
    columns: ['stripe_customer_id'],
    why: "it serves Stripe's webhooks, without it each lookup scans the whole table",
  },
  {
    table: 'jobs',
    columns: ['user_id', 'status'],
    why: "it serves a user's job list and covers the foreign key to public.users, without it both scan the whole table",
  },
  { table: 'jobs', columns: ['created_at'], why: 'it serves the newest-first job lists, without it each one sorts the whole table' },
  {
    table: 'jobs',
    columns: ['job_type', 'status'],
    why: "it serves the workers' queue lookups, without it each one scans the whole table",
  },
  { table: 'assets', columns: ['job_id'], why: coversForeignKey('jobs', 'deleting a job (on delete cascade)') },
  { table: 'assets', columns: ['user_id'], why: coversForeignKey('users', 'deleting a user (on delete cascade)') },
  {
    table: 'subscription_audit',
    columns: ['subscription_id'],
    why: coversForeignKey('subscriptions', 'deleting a subscription (on delete set null)'),
  },
  { table: 'subscription_audit', columns: ['user_id'], why: coversForeignKey('users', 'deleting a user (on delete cascade)') },
  {
    table: 'subscription_audit',
    columns: ['stripe_event_id'],
    why: "it serves the idempotency lookups of Stripe's events, without it each one scans the whole table",
  },
];
