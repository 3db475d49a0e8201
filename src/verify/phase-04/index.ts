import type { PhaseDefinition } from '../phase.js';
import { advisorsCheck } from './advisors-check.js';
import { filesCheck } from './files-check.js';
import { migrationsCheck } from './migrations-check.js';
import { pgtapCheck } from './pgtap-check.js';
import { pythonCheck } from './python-check.js';
import { rlsCheck } from './rls-check.js';
import { schemaCheck } from './schema-check.js';
import { seedCheck } from './seed-check.js';
import { typescriptCheck } from './typescript-check.js';

/** Phase 04, the database foundation: its checks in the order they are reported. */
export const phase04: PhaseDefinition = {
  id: '04',
  title: 'Database foundation',
  markerFile: '.scaffolding/.phase-04-complete',
  checks: [filesCheck, migrationsCheck, schemaCheck, rlsCheck, advisorsCheck, seedCheck, pgtapCheck, typescriptCheck, pythonCheck],
};
