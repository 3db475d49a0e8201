import { createClient } from '../lib/supabase/server';

/** Who is signed in, read through the server client (the proxy keeps the session fresh). */
async function signedInEmail(): Promise<{ email: string | null } | { error: string }> {
  try {
    const supabase = await createClient();
    const { data, error } = await supabase.auth.getClaims();
    if (error) return { error: error.message };
    return { email: data?.claims.email ?? null };
  } catch (error) {
    // A missing environment variable: say which, instead of a bare 500.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export default async function Home() {
  const user = await signedInEmail();
  return (
    <main>
      <h1>Supabase is wired up</h1>
      {'error' in user ? (
        <p>Supabase is not reachable: {user.error}</p>
      ) : user.email ? (
        <p>Signed in as {user.email}</p>
      ) : (
        <p>Not signed in</p>
      )}
    </main>
  );
}
