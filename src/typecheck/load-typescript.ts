import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type TypeScriptApi = typeof import('typescript');

const loaded = new Map<string, Promise<TypeScriptApi>>();

/**
 * The `typescript` the app itself installed (resolved from appDir as Node would), so the check
 * uses the compiler version the app builds with. Null when the app has none.
 */
export async function loadAppTypeScript(appDir: string): Promise<TypeScriptApi | null> {
  let entry: string;
  try {
    entry = createRequire(path.join(path.resolve(appDir), 'package.json')).resolve('typescript');
  } catch {
    return null;
  }
  let api = loaded.get(entry);
  if (!api) {
    api = import(pathToFileURL(entry).href).then((module: { default?: TypeScriptApi } & TypeScriptApi) => module.default ?? module);
    loaded.set(entry, api);
  }
  return api;
}
