import versions from '../../resources/versions.json' with { type: 'json' };

/**
 * The versions the generated files are tested against (resources/versions.json, the one list the
 * tests install too); added to an app that lacks them.
 */
export const WEB_DEPENDENCIES: Readonly<Record<string, string>> = Object.fromEntries(
  (['@supabase/ssr', '@supabase/supabase-js', 'server-only'] as const).map((name) => [name, `^${versions.web[name]}`]),
);

/** The supabase-py requirement, PEP 508 and Poetry. */
export const PYTHON_SUPABASE_REQUIREMENT = `supabase>=${versions.python.supabase},<3`;
export const POETRY_SUPABASE_CONSTRAINT = `^${versions.python.supabase}`;

/**
 * The lowest version of each web dependency the generated clients work with: @supabase/ssr
 * before 0.4 has another cookie API (get/set/remove), and the clients are tested on 0.12, which
 * needs @supabase/supabase-js 2.114 or newer. A declared range whose lowest version is older is
 * raised to the range in WEB_DEPENDENCIES.
 */
export const MINIMUM_WEB_VERSIONS: Readonly<Record<string, string>> = {
  '@supabase/ssr': '0.12.0',
  '@supabase/supabase-js': '2.114.0',
};

/**
 * The lowest version a range allows, when it names one (`^0.5.0`, `~2.39`, `>=2.100.0 <3`,
 * `2.45.1`); null for ranges that name none or are not npm versions (`*`, `latest`,
 * `workspace:*`, a URL), which are left alone.
 */
export function lowestVersion(range: string): [number, number, number] | null {
  const trimmed = range.trim();
  if (/^(workspace|file|link|git|github|npm|https?):/.test(trimmed) || trimmed.includes('||')) return null;
  const match = /^(?:\^|~|>=|=|v)?\s*(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(trimmed);
  if (!match) return null;
  const part = (value: string | undefined) => (value === undefined || value === 'x' || value === '*' ? 0 : Number(value));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

/** Whether `range` may resolve below `minimum` (`x.y.z`). */
export function allowsOlderThan(range: string, minimum: string): boolean {
  const lowest = lowestVersion(range);
  if (lowest === null) return false;
  const wanted = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const a = lowest[i] ?? 0;
    const b = wanted[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}
