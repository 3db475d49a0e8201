import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectBackend, findPythonBackends } from '../../src/detect/backend.js';
import { detectProject } from '../../src/detect/index.js';
import { removeTempDirs, tempCopy } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

/** A repo holding `files` (relative path → content). */
async function repoWith(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await tempCopy(null);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

const FASTAPI_PYPROJECT = '[project]\nname = "api"\ndependencies = ["fastapi>=0.110"]\n';

describe('Python backends where repos keep them', () => {
  it('folders named like a backend, or holding a project that depends on a server, at the root or one level down', async () => {
    const root = await repoWith({
      'backend/requirements.txt': 'psycopg[binary]\n',
      'api/pyproject.toml': '[project]\nname = "api"\n',
      'server/requirements.txt': '',
      'apps/api/pyproject.toml': FASTAPI_PYPROJECT,
      'services/billing/requirements.txt': 'Flask==3.0\n',
      'py/ml/pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\nuvicorn = "^0.29"\n',
      // Python projects that are not backends, and places never searched.
      'scripts/requirements.txt': 'pandas\nrequests\n',
      'docs/pyproject.toml': '[project]\nname = "docs"\ndependencies = ["mkdocs"]\n',
      'node_modules/x/pyproject.toml': FASTAPI_PYPROJECT,
      '.venv/lib/pyproject.toml': FASTAPI_PYPROJECT,
      'supabase/functions/requirements.txt': 'fastapi\n',
      'a/b/c/pyproject.toml': FASTAPI_PYPROJECT,
    });
    expect(await findPythonBackends(root)).toEqual(['api', 'apps/api', 'backend', 'py/ml', 'server', 'services/billing']);
  });

  it('a Python project at the root that depends on a server is the backend', async () => {
    const root = await repoWith({ 'requirements.txt': '# web\ndjango>=5\n', 'package.json': '{}' });
    const { backend, candidates } = await detectBackend(root, undefined);
    expect(candidates).toEqual(['']);
    expect(backend).toEqual({
      dir: '',
      source: 'found',
      hasPyproject: false,
      hasRequirements: true,
      hasConfig: false,
      dependsOnSupabase: false,
    });
  });

  it('one backend found: chosen; supabase in requirements.txt counts as declared', async () => {
    const root = await repoWith({
      'api/requirements.txt': 'fastapi\nsupabase[async]>=2.4 ; python_version >= "3.9"\n',
      'api/src/config.py': '',
    });
    expect((await detectBackend(root, undefined)).backend).toMatchObject({
      dir: 'api',
      source: 'found',
      hasConfig: true,
      dependsOnSupabase: true,
    });
  });

  it('several: none chosen, unless exactly one already holds the phase module', async () => {
    const files = { 'services/a/requirements.txt': 'fastapi\n', 'services/b/requirements.txt': 'flask\n' };
    expect(await detectBackend(await repoWith(files), undefined)).toEqual({ backend: null, candidates: ['services/a', 'services/b'] });
    const withModule = await detectBackend(await repoWith({ ...files, 'services/b/src/database.py': '' }), undefined);
    expect(withModule).toMatchObject({ backend: { dir: 'services/b', source: 'found' }, candidates: ['services/a', 'services/b'] });
  });

  it('the guide packages/backend, or --backend-dir, wins without searching', async () => {
    const root = await repoWith({ 'packages/backend/pyproject.toml': FASTAPI_PYPROJECT, 'api/requirements.txt': 'fastapi\n' });
    expect(await detectBackend(root, undefined)).toMatchObject({ backend: { dir: 'packages/backend', source: 'guide' }, candidates: [] });
    expect(await detectBackend(root, 'api')).toMatchObject({
      backend: { dir: 'api', source: 'option', hasRequirements: true },
      candidates: [],
    });
  });

  it('no Python backend in an existing repo: none (as --no-backend); a new repo gets the guide packages/backend', async () => {
    const facts = await detectProject(
      await repoWith({ 'package.json': '{"dependencies":{"next":"^16.0.0"}}', 'scripts/requirements.txt': 'pandas\n' }),
    );
    expect(facts.backend).toBeNull();
    expect(facts.pythonBackends).toEqual([]);
    const fresh = await detectProject(await tempCopy(null));
    expect(fresh.backend).toMatchObject({ dir: 'packages/backend', source: 'new' });
  });
});
