import { CliError } from '../errors.js';

/** Several Python backends in an existing repo and none chosen: the error lists them; the prompt offers the same. */
export class BackendChoiceError extends CliError {
  constructor(readonly candidates: readonly string[]) {
    super(
      'layout',
      `several Python backends found (${candidates.map((c) => c || '.').join(', ')}): pass --backend-dir <dir> for the one that gets the database module, or --no-backend`,
      candidates,
    );
    this.name = 'BackendChoiceError';
  }
}

export const isBackendChoiceNeeded = (value: unknown): value is BackendChoiceError => value instanceof BackendChoiceError;
