import { introspectSchema } from '../../../src/types-gen/introspect.js';
import type { SchemaModel } from '../../../src/types-gen/model.js';
import { engineWith } from './embedded.js';
import { AUTH_STUB_SQL, SAMPLE_SCHEMA_SQL } from './sample-schema.js';

/** The sample schema's model, read from a fresh embedded database. */
export async function sampleModel(extraSql = ''): Promise<SchemaModel> {
  const db = await engineWith(AUTH_STUB_SQL + SAMPLE_SCHEMA_SQL + extraSql);
  try {
    return await introspectSchema(db);
  } finally {
    await db.close();
  }
}
