import { readFile } from 'node:fs/promises';

/**
 * The repo's text files as one run reads them: each file once, whoever asks (the extensions the
 * embedded engine loads and the migrations check read the same migrations).
 */
export interface RepoTexts {
  /** The file's text (UTF-8), or readFile's error. `file` is absolute. */
  read(file: string): Promise<string>;
}

export function repoTexts(): RepoTexts {
  const read = new Map<string, Promise<string>>();
  return {
    read(file) {
      let text = read.get(file);
      if (!text) {
        text = readFile(file, 'utf8');
        read.set(file, text);
      }
      return text;
    },
  };
}
