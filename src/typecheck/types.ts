/** One compiler error, located relative to the app directory (posix) when it is inside it. */
export interface TypecheckDiagnostic {
  /** Null for errors not tied to a file (compiler options, a root file that cannot be read). */
  readonly file: string | null;
  /** 1-based; null when `file` is null. */
  readonly line: number | null;
  readonly column: number | null;
  /** TypeScript's error code, e.g. 2345. */
  readonly code: number;
  readonly message: string;
}

/** What the compiler says of the files. */
export type CompiledResult =
  { readonly status: 'ok' } | { readonly status: 'errors'; readonly diagnostics: readonly TypecheckDiagnostic[] };

export type TypecheckResult =
  | (CompiledResult & {
      /** The compiler's answer of an earlier run whose every input is unchanged (see journal.ts). */
      readonly reused?: true;
    })
  /** Packages the files import (or `typescript` itself) that are not installed for the app. */
  | { readonly status: 'missing'; readonly missing: readonly string[] };

export interface TypecheckOptions {
  /** The web app's directory: where its package.json, tsconfig.json and node_modules are. */
  readonly appDir: string;
  /** Files to check, absolute or relative to appDir. Their imports are checked with them. */
  readonly files: readonly string[];
  /**
   * Where the compiler's answers are kept between runs (verify's cache directory), so that an app
   * whose inputs are all unchanged is not compiled again. None: every run compiles.
   */
  readonly cacheDir?: string | undefined;
  /** Stops the compilation (SIGINT/SIGTERM/SIGHUP): the result is then an error. */
  readonly signal?: AbortSignal | undefined;
}
