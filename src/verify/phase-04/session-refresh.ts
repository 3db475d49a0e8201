/**
 * Whether a root proxy/middleware refreshes the Supabase session, read by meaning with the
 * TypeScript parser: it calls `updateSession(…)`, or it (or a module it imports, followed through
 * relative and `@/`/`~/` imports) creates a client with `createServerClient` from `@supabase/ssr`
 * and calls `auth.getUser()` or `auth.getClaims()`, which refresh an expired session.
 */
import { createRequire } from 'node:module';
import type { Node } from 'typescript';
import path from 'node:path';
import { isFile, readText } from '../../detect/fs-probe.js';
import { packageRoot } from '../../package-root.js';
import { loadAppTypeScript, type TypeScriptApi } from '../../typecheck/load-typescript.js';
import { callsOf, codeText } from './code-text.js';

export type SessionRefresh =
  | { readonly kind: 'refreshes' }
  /** A server client is made, but nothing refreshes the session with it. */
  | { readonly kind: 'client-without-refresh'; readonly file: string }
  /** Nothing found, and imports verify could not follow: it cannot tell. */
  | { readonly kind: 'unknown'; readonly unresolved: readonly string[] }
  | { readonly kind: 'never' };

interface ModuleFacts {
  readonly callsUpdateSession: boolean;
  readonly createsServerClient: boolean;
  readonly refreshes: boolean;
  readonly imports: readonly string[];
}

const MAX_MODULES = 20;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx', '/index.js'];

/**
 * `file` and `codeDir` relative to `root` (posix). Read as text first: what it finds refreshing
 * the parser would find too; any other answer is the parser's, when there is one (loading it
 * costs more than the rest of the files check).
 */
export async function sessionRefreshOf(root: string, file: string, codeDir: string, appDir: string): Promise<SessionRefresh> {
  const byText = await followImports(root, file, codeDir, (_, source) => moduleFactsText(source));
  if (byText.kind === 'refreshes') return byText;
  const ts = await loadTypeScript(path.join(root, appDir));
  return ts ? followImports(root, file, codeDir, (name, source) => moduleFactsTs(ts, name, source)) : byText;
}

async function followImports(
  root: string,
  file: string,
  codeDir: string,
  factsOf: (name: string, source: string) => ModuleFacts,
): Promise<SessionRefresh> {
  const seen = new Set<string>();
  const queue = [file];
  const unresolved: string[] = [];
  let clientFile: string | null = null;
  while (queue.length > 0 && seen.size < MAX_MODULES) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const source = await readText(path.join(root, current));
    if (source === null) continue;
    const facts = factsOf(current, source);
    if (facts.refreshes && facts.createsServerClient) return { kind: 'refreshes' };
    // The spec's shape: the session module does the work; a root file calling it is trusted to.
    if (current === file && facts.callsUpdateSession) return { kind: 'refreshes' };
    if (facts.createsServerClient) clientFile ??= current;
    for (const specifier of facts.imports) {
      const resolved = await resolveImport(root, current, specifier, codeDir);
      if (resolved) queue.push(resolved);
      else if (!isPackageWeKnow(specifier)) unresolved.push(specifier);
    }
  }
  if (clientFile) return { kind: 'client-without-refresh', file: clientFile };
  return unresolved.length > 0 ? { kind: 'unknown', unresolved } : { kind: 'never' };
}

/** Packages whose modules cannot refresh a Supabase session on their own account. */
function isPackageWeKnow(specifier: string): boolean {
  return /^(next|react|node:)/.test(specifier) || specifier.startsWith('@supabase/');
}

export async function loadTypeScript(appDir: string): Promise<TypeScriptApi | null> {
  const fromApp = await loadAppTypeScript(appDir);
  if (fromApp) return fromApp;
  // The package's own, when installed with it (a development checkout); else the text reading.
  try {
    createRequire(path.join(packageRoot, 'package.json')).resolve('typescript');
    return await loadAppTypeScript(packageRoot);
  } catch {
    return null;
  }
}

export function moduleFactsTs(ts: TypeScriptApi, name: string, source: string): ModuleFacts {
  const sf = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, false, name.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const imports: string[] = [];
  const ssrNames = new Set<string>();
  let callsUpdateSession = false;
  let createsServerClient = false;
  let refreshes = false;
  const visit = (node: Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const from = node.moduleSpecifier.text;
      imports.push(from);
      const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : undefined;
      if (from === '@supabase/ssr' && bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if ((element.propertyName ?? element.name).text === 'createServerClient') ssrNames.add(element.name.text);
        }
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) imports.push(arg.text);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee)) {
        if (callee.text === 'updateSession') callsUpdateSession = true;
        if (ssrNames.has(callee.text)) createsServerClient = true;
      } else if (ts.isPropertyAccessExpression(callee) && ['getUser', 'getClaims'].includes(callee.name.text)) {
        const target = callee.expression;
        if (ts.isPropertyAccessExpression(target) && target.name.text === 'auth') refreshes = true;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { callsUpdateSession, createsServerClient, refreshes, imports };
}

/**
 * Without a compiler: the same facts from the code outside comments and strings. What it finds
 * the parser finds too (a call, not a declaration or `new`; imports named by a literal).
 */
export function moduleFactsText(source: string): ModuleFacts {
  const { code, strings } = codeText(source);
  const imports: string[] = [];
  let ssr: string | null = null;
  for (const { start, value } of strings) {
    const before = code.slice(Math.max(0, start - 200), start - 1);
    const from = /(?:\bfrom|\bimport|\bimport\s*\()\s*$/.test(before);
    if (!from) continue;
    imports.push(value);
    if (value !== '@supabase/ssr') continue;
    const named = /\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*$/.exec(before);
    for (const part of named?.[1]?.split(',') ?? []) {
      const [imported, local] = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      if (imported === 'createServerClient') ssr = (local ?? imported).trim();
    }
  }
  return {
    callsUpdateSession: callsOf(code, 'updateSession').length > 0,
    createsServerClient: ssr !== null && callsOf(code, ssr).length > 0,
    // `x?.auth…` is left to the parser; `new x.auth.getUser()` is no call.
    refreshes: [...code.matchAll(/(?<!\?)\.\s*auth\s*\.\s*(?:getUser|getClaims)\s*\(/g)].some(
      (m) => !/\bnew\b/.test(statementBefore(code, m.index)),
    ),
    imports,
  };
}

/** The code from the start of the statement `offset` is in (roughly: after the last `;`, brace or line break). */
function statementBefore(code: string, offset: number): string {
  const start = Math.max(
    code.lastIndexOf(';', offset),
    code.lastIndexOf('{', offset),
    code.lastIndexOf('}', offset),
    code.lastIndexOf('\n', offset),
  );
  return code.slice(start + 1, offset);
}

async function resolveImport(root: string, from: string, specifier: string, codeDir: string): Promise<string | null> {
  let base: string;
  if (specifier.startsWith('.')) base = path.posix.join(path.posix.dirname(from), specifier);
  else if (specifier.startsWith('@/') || specifier.startsWith('~/')) base = path.posix.join(codeDir || '.', specifier.slice(2));
  else return null;
  // `./x.js` in TypeScript sources names `./x.ts`.
  const candidates = [base, ...SOURCE_EXTENSIONS.map((ext) => base + ext), base.replace(/\.js$/, '.ts')];
  for (const candidate of candidates) {
    const file = path.posix.normalize(candidate);
    if (await isFile(path.join(root, file))) return file;
  }
  return null;
}
