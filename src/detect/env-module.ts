import path from 'node:path';
import type { EnvModuleFacts } from './facts.js';
import { readText } from './fs-probe.js';

const ENV_MODULE_NAMES = ['env.ts', 'env.mts', 'env.js', 'env.mjs'];

/** The app's `lib/env.*` (the guide's phase 02) and the Supabase-related keys it names. */
export async function detectEnvModule(root: string, codeDir: string): Promise<EnvModuleFacts | null> {
  for (const name of ENV_MODULE_NAMES) {
    const file = path.posix.join(codeDir, 'lib', name);
    const text = await readText(path.join(root, file));
    if (text === null) continue;
    return {
      file,
      exportsPublicEnv: exportsName(text, 'publicEnv'),
      exportsEnv: exportsName(text, 'env'),
      keys: [...new Set(text.match(/\b(?:NEXT_PUBLIC_[A-Z0-9_]+|SUPABASE_[A-Z0-9_]+)\b/g) ?? [])].sort(),
    };
  }
  return null;
}

function exportsName(source: string, name: string): boolean {
  const declared = new RegExp(`export\\s+(?:const|let|var|function)\\s+${name}\\b`);
  const listed = new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`);
  return declared.test(source) || listed.test(source);
}
