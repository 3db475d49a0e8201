/** The versions the generated files are tested against; added to an app that lacks them. */
export const WEB_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@supabase/ssr': '^0.12.7',
  '@supabase/supabase-js': '^2.119.1',
  'server-only': '^0.0.1',
};

export const PYTHON_SUPABASE_REQUIREMENT = 'supabase>=2.31,<3';
