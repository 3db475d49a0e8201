import { describe, expect, it } from 'vitest';
import { embeddedProvider } from '../../src/verify/database/provider.js';

describe('the embedded provider', () => {
  it('hands the next grant mode the shared engine as it booted, without what a rollback keeps', async () => {
    const provider = embeddedProvider();
    try {
      const first = await provider.open('legacy');
      expect(first.sharedEngine).toBe(true);
      const [booted] = await first.engine.query<{ search_path: string }>('show search_path');
      expect(booted!.search_path).toMatch(/extensions/);
      await first.engine.exec('prepare job_probe as select 1; select pg_advisory_lock(4242); set search_path = public;');
      await first.close();

      const second = await provider.open('current');
      expect(second.sharedEngine).toBe(true);
      expect(await second.engine.query('select name from pg_prepared_statements')).toEqual([]);
      expect(await second.engine.query(`select count(*)::int as n from pg_locks where locktype = 'advisory'`)).toEqual([{ n: 0 }]);
      expect(await second.engine.query('show search_path')).toEqual([booted]);
      // The same statement again: it would fail if the first mode's were still prepared.
      await second.engine.exec('prepare job_probe as select 1');
      await second.close();
    } finally {
      await provider.close();
    }
  });
});
