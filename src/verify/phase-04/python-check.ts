import { firstLine } from '../../errors.js';
import path from 'node:path';
import type { PythonCallMismatch } from '../../python/types.js';
import { failed, passed, plural, skipped } from '../outcome.js';
import type { RepoCheck } from '../phase.js';

/**
 * The backend's database module compiles; with a Python that has `supabase` (the backend's
 * `.venv` or `--python`), it imports and its DatabaseService methods send the expected
 * PostgREST requests, observed through a mock transport (no network).
 */
export const pythonCheck: RepoCheck = {
  scope: 'repo',
  name: 'python',
  title: 'the backend module compiles, imports and sends the expected requests',
  async run(ctx) {
    const { backend } = ctx.facts;
    const moduleFile = ctx.layout.backendFile;
    if (!backend && ctx.facts.pythonBackends.length > 1) {
      const list = ctx.facts.pythonBackends.map((dir) => dir || '.').join(', ');
      return skipped(`several Python backends (${list}) and none holds src/database.py: pass --backend-dir <dir> for the one to check`);
    }
    if (!backend || !moduleFile) return skipped('the repo has no Python backend');
    const backendDir = path.join(ctx.root, backend.dir);
    // Loaded on use: the probe's process library costs ~0.1 s to import, in every worker too.
    const { probePythonBackend } = await import('../../python/index.js');
    const result = await probePythonBackend({
      backendDir,
      python: ctx.options.python ?? undefined,
      moduleFile: path.posix.relative(backend.dir, moduleFile),
    });
    const location = (line?: number | null, column?: number | null) => ({
      file: moduleFile,
      ...(line ? { line } : {}),
      ...(column ? { column } : {}),
    });
    switch (result.status) {
      case 'ok':
        return passed();
      case 'missing-file':
        return failed(`missing ${moduleFile}`);
      case 'compile-error':
        return failed(`${moduleFile} does not compile`, [{ message: result.message, location: location(result.line, result.column) }]);
      case 'skipped':
        return skipped(result.compiled ? `${moduleFile} compiles; not imported: ${result.reason}` : result.reason);
      case 'import-error':
        // The reason is one line; the traceback (the finding) ends with the whole message.
        return failed(`${moduleFile} does not import with ${result.python}: ${firstLine(result.message)}`, [
          { message: result.traceback.trim() || result.message, location: location() },
        ]);
      case 'mismatch':
        return failed(
          `${plural(result.mismatches.length, 'DatabaseService call')} ${result.mismatches.length === 1 ? 'differs' : 'differ'} from what later phases expect`,
          result.mismatches.map((m) => ({ message: mismatchMessage(m), location: location() })),
        );
      case 'probe-failed': {
        const reason = `the Python probe failed with ${result.python}: ${firstLine(result.message)}`;
        return failed(reason, result.message.includes('\n') ? [{ message: result.message.trim() }] : []);
      }
    }
  },
};

/** The call and its problem, with what was expected and got when the probe has them to show. */
function mismatchMessage(m: PythonCallMismatch): string {
  if (m.expected == null && m.actual == null) return `${m.call}: ${m.problem}`;
  return `${m.call}: ${m.problem} (expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)})`;
}
