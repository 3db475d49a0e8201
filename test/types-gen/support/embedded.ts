import { PGlite } from '@electric-sql/pglite';

/** A fresh in-memory embedded database with `sql` applied. */
export async function pgliteWith(sql: string): Promise<PGlite> {
  const db = new PGlite();
  await db.exec(sql);
  return db;
}
