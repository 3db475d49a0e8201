import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { embeddedExtensionsFor, extensionStatements } from '../../emulation/extensions.js';
import { lineOfOffset } from '../../db/split-statements.js';
import { repoTexts, type RepoTexts } from '../repo-texts.js';

interface RepoScript {
  /** Relative to the repo, e.g. `supabase/migrations/20240101000000_init.sql`. */
  readonly file: string;
  readonly sql: string;
}

/**
 * The repo's SQL that may create extensions: every `.sql` under supabase/ (migrations, seed,
 * declarative schemas) but the pgTAP tests, in path order.
 */
async function repoScripts(root: string, texts: RepoTexts): Promise<RepoScript[]> {
  const dir = path.join(root, 'supabase');
  const names = ((await readdir(dir, { recursive: true }).catch(() => [])) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.sql') && !name.startsWith('tests/'))
    .sort();
  const scripts = await Promise.all(names.map((name) => texts.read(path.join(dir, name)).catch(() => '')));
  return names.map((name, i) => ({ file: `supabase/${name}`, sql: scripts[i]! }));
}

/**
 * The extensions the embedded engine must load for this repo: those its migrations and seed files
 * create for real. Empty for a repo that creates none, which then boots with no extension module.
 */
export async function repoEmbeddedExtensions(root: string, texts: RepoTexts = repoTexts()): Promise<string[]> {
  return embeddedExtensionsFor((await repoScripts(root, texts)).map((s) => s.sql));
}

/** An extension the repo's SQL creates, where it first does. */
export interface CreatedExtension {
  readonly name: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/** Every extension a `create extension` statement of the repo's SQL names, once, in file order. */
export async function repoCreatedExtensions(root: string, texts: RepoTexts = repoTexts()): Promise<CreatedExtension[]> {
  const found = new Map<string, CreatedExtension>();
  for (const { file, sql } of await repoScripts(root, texts)) {
    for (const statement of extensionStatements(sql)) {
      if (statement.action !== 'create' || found.has(statement.name)) continue;
      found.set(statement.name, { name: statement.name, file, line: lineOfOffset(sql, statement.offset) });
    }
  }
  return [...found.values()];
}
