import path from 'node:path';
import type { CompilerOptions, Diagnostic, System } from 'typescript';
import type { TypeScriptApi } from './load-typescript.js';

/** What `create-next-app` writes when an app has no tsconfig.json of its own. */
const NEXT_DEFAULT_OPTIONS = {
  target: 'ES2017',
  lib: ['dom', 'dom.iterable', 'esnext'],
  allowJs: true,
  module: 'esnext',
  moduleResolution: 'bundler',
  resolveJsonModule: true,
  isolatedModules: true,
  esModuleInterop: true,
  jsx: 'preserve',
};

/** TypeScript's "no inputs were found": irrelevant, the files to check are given explicitly. */
const NO_INPUTS_FOUND = 18003;

/**
 * The app's compiler options (its tsconfig.json, else Next's defaults), with strict mode forced on
 * and everything that would write files turned off. `system` reads the configuration files
 * (`ts.sys` unless given).
 */
export function appCompilerOptions(
  ts: TypeScriptApi,
  appDir: string,
  system: System = ts.sys,
): { options: CompilerOptions; errors: readonly Diagnostic[] } {
  const configFile = path.join(appDir, 'tsconfig.json');
  let options: CompilerOptions;
  let errors: readonly Diagnostic[];
  if (system.fileExists(configFile)) {
    const read = ts.readConfigFile(configFile, (file) => system.readFile(file));
    if (read.error) return { options: {}, errors: [read.error] };
    const parsed = ts.parseJsonConfigFileContent(read.config, system, appDir, undefined, configFile);
    options = parsed.options;
    errors = parsed.errors.filter((error) => error.code !== NO_INPUTS_FOUND);
  } else {
    const converted = ts.convertCompilerOptionsFromJson(NEXT_DEFAULT_OPTIONS, appDir);
    options = converted.options;
    errors = converted.errors;
  }
  const forced: CompilerOptions = { ...options, strict: true, noEmit: true, skipLibCheck: true };
  delete forced.incremental;
  delete forced.composite;
  delete forced.tsBuildInfoFile;
  return { options: forced, errors };
}
