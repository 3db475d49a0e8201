import { describe, expect, it } from 'vitest';
import type { ProjectFacts } from '../../src/detect/facts.js';
import { phaseLayout } from '../../src/phase-04/layout.js';

const facts = (codeDir: string, typesPackageFile: string | null) =>
  ({ web: { codeDir, nextMajor: 16 }, backend: null, typesPackageFile }) as unknown as ProjectFacts;
const typesFile = (codeDir: string, typesPackageFile: string | null) => phaseLayout(facts(codeDir, typesPackageFile)).typesFile;

describe('where the Database types go (generate and the types command)', () => {
  it("prefers the guide's types package", () => {
    expect(typesFile('apps/web', 'packages/types/src/database.ts')).toBe('packages/types/src/database.ts');
  });

  it("otherwise goes next to the web app's Supabase clients", () => {
    expect(typesFile('apps/web', null)).toBe('apps/web/lib/supabase/database.types.ts');
    expect(typesFile('apps/web/src', null)).toBe('apps/web/src/lib/supabase/database.types.ts');
    expect(typesFile('', null)).toBe('lib/supabase/database.types.ts');
  });
});
