/** A DatabaseService behaviour that differs from the contract later phases rely on. */
export interface PythonCallMismatch {
  /** The call, e.g. `get_user("1111…")`, or the module-level name. */
  readonly call: string;
  readonly problem: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

export type PythonProbeResult =
  /** Compiled, imported, and every method sent the expected requests. */
  | { readonly status: 'ok'; readonly python: string; readonly checked: readonly string[] }
  | { readonly status: 'missing-file'; readonly file: string }
  | {
      readonly status: 'compile-error';
      readonly python: string;
      /** Relative to backendDir, posix. */
      readonly file: string;
      readonly line: number | null;
      readonly column: number | null;
      readonly message: string;
    }
  /** No Python at all (compiled: false), or one without `supabase`/`httpx` (compiled: true). */
  | { readonly status: 'skipped'; readonly reason: string; readonly compiled: boolean; readonly python: string | null }
  | { readonly status: 'import-error'; readonly python: string; readonly message: string; readonly traceback: string }
  | { readonly status: 'mismatch'; readonly python: string; readonly mismatches: readonly PythonCallMismatch[] }
  /** The interpreter crashed or its answer could not be read. */
  | { readonly status: 'probe-failed'; readonly python: string; readonly message: string };

export interface PythonProbeOptions {
  /** The backend package directory (holds `src/`, `pyproject.toml`, maybe `.venv`). */
  readonly backendDir: string;
  /** An interpreter to use instead of `<backendDir>/.venv` (then python3 on PATH). */
  readonly python?: string | undefined;
  /** The module to probe, relative to backendDir. Default `src/database.py`. */
  readonly moduleFile?: string;
  /** Names of the settings the module reads (RenderContext.python). Default the guide's. */
  readonly settings?: { readonly urlSetting: string; readonly keySetting: string };
}
