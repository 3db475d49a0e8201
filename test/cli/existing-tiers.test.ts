import { describe, expect, it } from 'vitest';
import { phaseInitialSchema, tiersInInitialSchema } from '../../src/phase-04/existing-tiers.js';

describe('the tiers of an existing phase migration', () => {
  it('reads the CHECK list of subscription_tier, in order', () => {
    const sql = `create table public.users (
    subscription_tier text not null default 'basic'
        check (subscription_tier in ('basic', 'team', 'enterprise_2')),
    subscription_status text not null default 'active'
        check (subscription_status in ('active', 'cancelled'))
);`;
    expect(tiersInInitialSchema(sql)).toEqual(['basic', 'team', 'enterprise_2']);
  });

  it('is null when the constraint is not there in that form', () => {
    expect(tiersInInitialSchema('create table public.users (subscription_tier text);')).toBeNull();
    expect(tiersInInitialSchema("check (subscription_tier in ('free', upper('pro')))")).toBeNull();
    expect(tiersInInitialSchema('check (subscription_tier in ())')).toBeNull();
  });

  it('finds the initial schema among the migrations, whatever its version', () => {
    expect(
      phaseInitialSchema([
        { name: '20260101120000_initial_schema.sql', version: '20260101120000' },
        { name: '20260101120001_rls_policies.sql', version: '20260101120001' },
      ]),
    ).toBe('20260101120000_initial_schema.sql');
    expect(phaseInitialSchema([{ name: '00001_init.sql', version: '00001' }])).toBeNull();
  });
});
