/**
 * SQL whose effect depends on its file's transaction ending, as it does when the Supabase CLI
 * applies each migration in a transaction of its own: run as one savepoint among others in a
 * longer transaction, such a file could pass or fail where it would not on Supabase.
 */
import { statementsOf } from './split-statements.js';

const RULES: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  { pattern: /^(?:begin|start\s+transaction|commit|end|rollback|abort|prepare\s+transaction)\b/i, reason: 'ends or opens a transaction' },
  // Until its transaction commits, a new enum value cannot be used (unless the type is as new).
  { pattern: /\balter\s+type\b[\s\S]*\badd\s+value\b/i, reason: 'adds an enum value' },
  // Lasts until the transaction ends: the next file would still see it.
  { pattern: /^set\s+local\b/i, reason: 'sets a transaction-local setting' },
  // Called by the statement itself; a function that calls it when called later is not flagged.
  { pattern: /^(?:select|do)\b[\s\S]*\bset_config\s*\((?:[^()]|\([^()]*\))*,\s*true\s*\)/i, reason: 'sets a transaction-local setting' },
  { pattern: /^set\s+constraints\b/i, reason: 'changes when constraints are checked in its transaction' },
  // Must come first in a transaction: after the savepoints of earlier files it is refused.
  { pattern: /^set\s+transaction\b/i, reason: "sets its transaction's characteristics" },
  { pattern: /\bon\s+commit\s+(?:drop|delete\s+rows)\b/i, reason: 'creates a temporary table bound to the transaction' },
];

/** Why `sql` needs a transaction of its own, or null when a savepoint behaves the same. */
export function commitDependence(sql: string): string | null {
  for (const statement of statementsOf(sql)) {
    const rule = RULES.find((r) => r.pattern.test(statement.sql));
    if (rule) return rule.reason;
  }
  return null;
}
