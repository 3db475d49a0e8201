import { describe, expect, it } from 'vitest';
import { facts } from '../helpers/facts.js';
import { phaseLayout } from '../../src/phase-04/layout.js';

const typesFile = (codeDir: string, typesPackageFile: string | null) =>
  phaseLayout(facts({ backend: null, typesPackageFile }, { codeDir })).typesFile;

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
