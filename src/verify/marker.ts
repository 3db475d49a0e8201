import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../apply/atomic-write.js';

/** The guide's completion marker: `Completed: <ISO time>`, which later phases look for. */
export async function writeCompletionMarker(root: string, markerFile: string, now: Date): Promise<void> {
  const file = path.join(root, markerFile);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `Completed: ${now.toISOString()}\n`);
}
