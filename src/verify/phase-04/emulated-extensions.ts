import type { SqlFile } from '../../db/apply-migrations.js';
import { lineOfOffset } from '../../db/split-statements.js';
import { EMULATED_LABEL, extensionStatements, type EmulatedExtension } from '../../emulation/extensions.js';
import type { Finding } from '../types.js';

/**
 * One note per extension that applied through its stand-in, at the statement that created it:
 * the objects exist, the behaviour was not verified. Not a failure.
 */
export function emulatedExtensionNotes(emulated: readonly EmulatedExtension[], files: readonly SqlFile[]): Finding[] {
  return emulated.map((extension) => {
    const location = whereCreated(extension.name, files);
    return {
      message: `extension ${extension.name} is emulated (${EMULATED_LABEL}): ${extension.note}`,
      ...(location ? { location } : {}),
    };
  });
}

function whereCreated(name: string, files: readonly SqlFile[]): { file: string; line: number } | undefined {
  for (const file of files) {
    const statement = extensionStatements(file.sql).find((s) => s.action === 'create' && s.name === name);
    if (statement) return { file: file.name, line: lineOfOffset(file.sql, statement.offset) };
  }
  return undefined;
}
