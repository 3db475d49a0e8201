import { createEmbeddedEngine, type EmbeddedSqlEngine } from '../../src/db/engine.js';
import { installSupabaseStandIn, type GrantDefaults } from '../../src/db/standin.js';

const images = new Map<GrantDefaults, Promise<Blob | File>>();

/**
 * A fresh PGlite with the stand-in installed. The first call per grant mode in a test file
 * boots and saves an in-memory image; later calls boot from it, several times faster.
 */
export async function openStandInEngine(grants: GrantDefaults): Promise<EmbeddedSqlEngine> {
  let image = images.get(grants);
  if (!image) {
    image = buildImage(grants);
    images.set(grants, image);
  }
  return createEmbeddedEngine({ loadDataDir: await image });
}

async function buildImage(grants: GrantDefaults): Promise<Blob | File> {
  const engine = await createEmbeddedEngine();
  try {
    await installSupabaseStandIn(engine, { grants });
    return await engine.pglite.dumpDataDir('none');
  } finally {
    await engine.close();
  }
}
