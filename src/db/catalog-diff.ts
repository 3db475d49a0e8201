/**
 * What two catalog snapshots differ in, object by object: present on one side only, or present
 * on both with a property that differs. Pure.
 */
import type { CatalogObject } from './catalog-snapshot.js';

export type CatalogDifference =
  | { readonly change: 'only-left' | 'only-right'; readonly object: CatalogObject }
  | {
      readonly change: 'differs';
      readonly object: CatalogObject;
      readonly fact: string;
      /** The property on each side; null where that side does not have it. */
      readonly left: string | null;
      readonly right: string | null;
    };

/**
 * Differences in key order. An object whose table exists on one side only is not listed apart:
 * the table says it.
 */
export function diffCatalogs(left: readonly CatalogObject[], right: readonly CatalogObject[]): CatalogDifference[] {
  const leftByKey = new Map(left.map((o) => [o.key, o]));
  const rightByKey = new Map(right.map((o) => [o.key, o]));
  const keys = [...new Set([...leftByKey.keys(), ...rightByKey.keys()])].sort();
  const differences: CatalogDifference[] = [];
  for (const key of keys) {
    const l = leftByKey.get(key);
    const r = rightByKey.get(key);
    if (l && r) {
      differences.push(...factDifferences(l, r));
    } else if (l) {
      if (l.parent === null || rightByKey.has(l.parent)) differences.push({ change: 'only-left', object: l });
    } else if (r) {
      if (r.parent === null || leftByKey.has(r.parent)) differences.push({ change: 'only-right', object: r });
    }
  }
  return differences;
}

function factDifferences(left: CatalogObject, right: CatalogObject): CatalogDifference[] {
  const facts = [...new Set([...Object.keys(left.facts), ...Object.keys(right.facts)])].sort();
  return facts.flatMap((fact) => {
    const l = left.facts[fact] ?? null;
    const r = right.facts[fact] ?? null;
    return l === r ? [] : [{ change: 'differs' as const, object: left, fact, left: l, right: r }];
  });
}
