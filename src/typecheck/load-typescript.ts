import { createRequire } from 'node:module';
import path from 'node:path';

export type TypeScriptApi = typeof import('typescript');

const loaded = new Map<string, TypeScriptApi>();

/** Where the app's `typescript` is (resolved from appDir as Node would), or null when it has none. */
export function appTypeScriptEntry(appDir: string): string | null {
  try {
    return createRequire(path.join(path.resolve(appDir), 'package.json')).resolve('typescript');
  } catch {
    return null;
  }
}

/**
 * The `typescript` the app itself installed, so the check uses the compiler version the app
 * builds with. Null when the app has none.
 */
export async function loadAppTypeScript(appDir: string): Promise<TypeScriptApi | null> {
  const entry = appTypeScriptEntry(appDir);
  return entry === null ? null : loadTypeScriptAt(entry);
}

/**
 * The compiler at `entry`, loaded once per thread. Required, not imported: `import()` of a
 * CommonJS file runs Node's export scanner over the compiler's 9 MB first, which took longer than
 * loading it.
 */
export function loadTypeScriptAt(entry: string): TypeScriptApi {
  let api = loaded.get(entry);
  if (!api) {
    api = createRequire(entry)(entry) as TypeScriptApi;
    loaded.set(entry, api);
  }
  return api;
}
