import { introspectSchema } from '../../../src/types-gen/introspect.js';
import type { SchemaModel } from '../../../src/types-gen/model.js';
import { pgliteWith } from './pglite.js';
import { AUTH_STUB_SQL, SAMPLE_SCHEMA_SQL } from './sample-schema.js';

/** The sample schema's model, read from a fresh embedded database. */
export async function sampleModel(extraSql = ''): Promise<SchemaModel> {
  const db = await pgliteWith(AUTH_STUB_SQL + SAMPLE_SCHEMA_SQL + extraSql);
  try {
    return await introspectSchema(db);
  } finally {
    await db.close();
  }
}
