/** The names a TypeScript module exports, read with the parser (a text reading without one). */
import type { Node } from 'typescript';
import type { TypeScriptApi } from '../../typecheck/load-typescript.js';
import { braceDepthAt, codeText } from './code-text.js';

export function exportedNames(ts: TypeScriptApi | null, name: string, source: string): Set<string> {
  return ts ? exportedNamesTs(ts, name, source) : exportedNamesText(source);
}

function exportedNamesTs(ts: TypeScriptApi, name: string, source: string): Set<string> {
  const sf = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const exported = (node: Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of sf.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name && exported(statement)) {
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.add(element.name.text);
    }
  }
  return names;
}

/**
 * The names exported by top-level statements that start a line (`export function`, `export
 * const`, `export class`, `export { a as b }`): a subset of what the parser finds.
 */
export function exportedNamesText(source: string): Set<string> {
  const { code } = codeText(source);
  const names = new Set<string>();
  const topLevel = (index: number) => braceDepthAt(code, index) === 0;
  const declared = /^[ \t]*export\s+(?:(?:async\s+)?function\s*\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of code.matchAll(declared)) if (topLevel(m.index)) names.add(m[1]!);
  for (const m of code.matchAll(/^[ \t]*export\s*\{([^}]*)\}/gm)) {
    if (!topLevel(m.index)) continue;
    for (const part of m[1]!.split(',')) {
      const alias = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (alias) names.add(alias);
    }
  }
  return names;
}
