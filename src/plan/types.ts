import type { TemplateGroup } from '../phase-04/artifacts.js';

export type ArtifactGroup = TemplateGroup | 'types' | 'dependencies';

/**
 * create: absent, will be written · unchanged: identical already · update: an edit we own (a
 * dependency added) · overwrite: different, replaced after a backup (--force or a prompt) ·
 * conflict: different, left alone · skip: not written, with the reason.
 */
export type FileStatus = 'create' | 'unchanged' | 'update' | 'overwrite' | 'conflict' | 'skip';

export interface PlannedFile {
  /** Relative to the target root, posix separators. */
  readonly path: string;
  readonly group: ArtifactGroup;
  readonly status: FileStatus;
  readonly reason: string;
  /** What would be written (null for a skip that never rendered). */
  readonly content: string | null;
  /** What is on disk now (null when absent). */
  readonly previous: string | null;
  /** A conflict that --force or a prompt may turn into an overwrite. */
  readonly forceable: boolean;
  /** Lines the user can add by hand when a conflict is left alone. */
  readonly advice?: readonly string[];
}

export interface Plan {
  readonly root: string;
  readonly files: readonly PlannedFile[];
  /** Observations worth telling (seed paths, ignored migration files…). */
  readonly notes: readonly string[];
  readonly nextSteps: readonly string[];
  /** Dependencies added to the web package.json, for the install step. */
  readonly addedWebDependencies: readonly string[];
}

export const WRITES: ReadonlySet<FileStatus> = new Set(['create', 'update', 'overwrite']);
