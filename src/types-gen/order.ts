/**
 * One fixed collation for every name we sort, so output does not depend on the machine's
 * locale. `supabase gen types` sorts with `localeCompare`; en-US gives the same order for the
 * snake_case names databases use.
 */
const collator = new Intl.Collator('en-US');

export const compareNames = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export const byName = <T extends { readonly name: string }>(a: T, b: T): number => compareNames(a.name, b.name);
