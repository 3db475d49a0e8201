import { describe, expect, it } from 'vitest';
import type { ProjectFacts } from '../../src/detect/facts.js';
import { typesOutputPath } from '../../src/types-gen/output-path.js';

const facts = (codeDir: string, typesPackageFile: string | null) =>
  ({ web: { codeDir }, typesPackageFile }) as unknown as ProjectFacts;

describe('typesOutputPath', () => {
  it("prefers the guide's types package", () => {
    expect(typesOutputPath(facts('apps/web', 'packages/types/src/database.ts'))).toBe('packages/types/src/database.ts');
  });

  it("otherwise goes next to the web app's Supabase clients", () => {
    expect(typesOutputPath(facts('apps/web', null))).toBe('apps/web/lib/supabase/database.types.ts');
    expect(typesOutputPath(facts('apps/web/src', null))).toBe('apps/web/src/lib/supabase/database.types.ts');
    expect(typesOutputPath(facts('', null))).toBe('lib/supabase/database.types.ts');
  });
});
