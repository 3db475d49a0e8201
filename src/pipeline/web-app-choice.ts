import path from 'node:path';
import { readJson } from '../detect/fs-probe.js';
import { webDirCandidates } from '../detect/web-app.js';
import { CliError } from '../errors.js';

/** No Next.js app in an existing repo: the error names where one might be; the prompt offers the same. */
export class WebAppMissingError extends CliError {
  constructor(readonly candidates: readonly string[]) {
    const where = candidates.length > 0 ? ` (directories with a package.json: ${candidates.map((c) => c || '.').join(', ')})` : '';
    super(
      'layout',
      `no Next.js app found${where}: pass --web-dir <dir> for the app that gets the Supabase clients, or --no-web`,
      candidates,
    );
    this.name = 'WebAppMissingError';
  }
}

export const isWebAppMissing = (value: unknown): value is WebAppMissingError => value instanceof WebAppMissingError;

export async function webAppMissing(root: string): Promise<WebAppMissingError> {
  const manifest = await readJson(path.join(root, 'package.json'), { display: 'package.json' });
  const candidates = await webDirCandidates(root, manifest);
  if (manifest !== null && !candidates.includes('')) candidates.push('');
  return new WebAppMissingError(candidates);
}
