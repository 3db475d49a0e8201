/**
 * Runs generated TypeScript files in Node the way Next's server bundle would: each file is
 * transpiled to CommonJS (the real compiler), relative imports load the sibling files, packages
 * load from the app's node_modules, and `server-only` resolves to its `react-server` entry
 * (the condition Next applies to server code). The generated modules see `process.env` from `env`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export function loadGenerated<T>(file: string, env: Record<string, string | undefined>): T {
  const cache = new Map<string, unknown>();
  const fakeProcess = { ...process, env };
  const load = (absolute: string): unknown => {
    if (cache.has(absolute)) return cache.get(absolute);
    const source = readFileSync(absolute, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: absolute,
    });
    const module = { exports: {} as Record<string, unknown> };
    cache.set(absolute, module.exports);
    const packageRequire = createRequire(absolute);
    const requireFor = (spec: string): unknown => {
      if (spec.startsWith('.')) return load(`${path.resolve(path.dirname(absolute), spec)}.ts`);
      if (spec === 'server-only') return packageRequire(path.join(path.dirname(packageRequire.resolve('server-only')), 'empty.js'));
      return packageRequire(spec);
    };
    new Function('exports', 'require', 'module', 'process', outputText)(module.exports, requireFor, module, fakeProcess);
    cache.set(absolute, module.exports);
    return module.exports;
  };
  return load(path.resolve(file)) as T;
}
