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

export type TypecheckResult =
  | { readonly status: 'ok' }
  | { readonly status: 'errors'; readonly diagnostics: readonly TypecheckDiagnostic[] }
  /** Packages the files import (or `typescript` itself) that are not installed for the app. */
  | { readonly status: 'missing'; readonly missing: readonly string[] };

export interface TypecheckOptions {
  /** The web app's directory: where its package.json, tsconfig.json and node_modules are. */
  readonly appDir: string;
  /** Files to check, absolute or relative to appDir. Their imports are checked with them. */
  readonly files: readonly string[];
}
