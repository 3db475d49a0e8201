export { introspectDatabase, introspectSchema, type CatalogReader } from './introspect.js';
export { renderDatabaseTypes, type RenderTypesOptions } from './render.js';
export { introspectMigrations, typesForMigrations } from './from-migrations.js';
export { introspectDatabaseUrl, parseSchemaList, typeSchemas, typesForDatabaseUrl } from './schemas.js';
export { readRepoMigrations, type MigrationSource } from './read-migrations.js';
export type * from './model.js';
