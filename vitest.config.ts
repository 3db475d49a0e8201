import { defineConfig } from 'vitest/config';

/**
 * Three tiers (CONTRIBUTING.md): `unit` needs neither PostgreSQL, the embedded engine, the
 * network nor installed web dependencies and runs in seconds; `db` runs on the local PostgreSQL 15
 * and the embedded engine; `e2e` runs the built binaries in temporary repos.
 */
const UNIT = [
  'test/cli/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/generate/apply.test.ts',
  'test/generate/atomic-write.test.ts',
  'test/generate/backend-detect.test.ts',
  'test/generate/detect.test.ts',
  'test/generate/plan.test.ts',
  'test/generate/schema-paths.test.ts',
  'test/generate/types-file-path.test.ts',
  'test/templates/web-templates.test.ts',
  'test/types-gen/check-values.test.ts',
  'test/types-gen/doc.test.ts',
  'test/typecheck/fs-observations.test.ts',
  'test/verify/cleanup.test.ts',
  'test/verify/code-text.test.ts',
  'test/verify/merge-modes.test.ts',
  'test/verify/repo-texts.test.ts',
  'test/db/statement-batches.test.ts',
  'test/db/collect-garbage.test.ts',
  'test/emulation/install-retry.test.ts',
  'test/verify/tap.test.ts',
];
const E2E = ['test/e2e/**/*.test.ts'];
const ALWAYS_EXCLUDED = ['test/fixtures/**', 'test/.cache/**', '**/node_modules/**'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // supabase-js prints this banner once per process on Node 20, the Node the tests run on; the
    // generated app's Node 22 requirement is stated in the generator's report instead.
    onConsoleLog: (log) => !log.includes('Node.js 20 and below are deprecated'),
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, exclude: ALWAYS_EXCLUDED } },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['test/**/*.test.ts'],
          exclude: [...ALWAYS_EXCLUDED, ...UNIT, ...E2E],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E, exclude: ALWAYS_EXCLUDED, globalSetup: ['test/helpers/global-setup.ts'] } },
    ],
  },
});
