import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The guide's completion marker: `Completed: <ISO time>`, which later phases look for. */
export async function writeCompletionMarker(root: string, markerFile: string, now: Date): Promise<void> {
  const file = path.join(root, markerFile);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `Completed: ${now.toISOString()}\n`);
}
