import { embeddedExtensionsFor, extensionStatements, imageModulesCalled } from '../../emulation/extensions.js';
import { lineOfOffset } from '../../db/split-statements.js';
import { repoScripts, type RepoScript, type RepoSql } from './repo-scripts.js';

/**
 * The extensions the embedded engine must load for this repo (see embeddedExtensionsFor): those
 * its SQL creates for real or calls the module of, and the image's whose module its pgTAP tests
 * call (they run on the same engine; the pgTAP check asks for pgTAP itself). Empty for a repo
 * that does neither, which then boots with no extension module.
 */
export async function repoEmbeddedExtensions(repo: RepoSql): Promise<string[]> {
  const scripts = await repoScripts(repo, { tests: true });
  const isTest = (s: RepoScript) => s.file.startsWith('supabase/tests/');
  const created = embeddedExtensionsFor(scripts.filter((s) => !isTest(s)).map((s) => s.sql));
  const called = scripts.filter(isTest).flatMap((s) => imageModulesCalled(s.sql));
  return [...new Set([...created, ...called])].sort();
}

/** An extension the repo's SQL creates, where it first does. */
export interface CreatedExtension {
  readonly name: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/** Every extension a `create extension` statement of the repo's SQL names, once, in file order. */
export async function repoCreatedExtensions(repo: RepoSql): Promise<CreatedExtension[]> {
  const found = new Map<string, CreatedExtension>();
  for (const { file, sql } of await repoScripts(repo)) {
    for (const statement of extensionStatements(sql)) {
      if (statement.action !== 'create' || found.has(statement.name)) continue;
      found.set(statement.name, { name: statement.name, file, line: lineOfOffset(sql, statement.offset) });
    }
  }
  return [...found.values()];
}
