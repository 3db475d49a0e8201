/**
 * What a person at a terminal sees around the work: an intro, a spinner while a slow step runs,
 * an outro. Non-interactive runs use `silentProgress` (their output stays the report alone);
 * @clack/prompts is loaded only for an interactive run.
 */
export interface Progress {
  intro(): void;
  step<T>(message: string, done: (value: T) => string, work: () => Promise<T>): Promise<T>;
  outro(summary: string): void;
}

export const silentProgress: Progress = {
  intro: () => undefined,
  step: (_message, _done, work) => work(),
  outro: () => undefined,
};

export async function terminalProgress(): Promise<Progress> {
  const p = await import('@clack/prompts');
  return {
    intro: () => p.intro('create-saas-db'),
    async step(message, done, work) {
      const spinner = p.spinner();
      spinner.start(message);
      try {
        const value = await work();
        spinner.stop(done(value));
        return value;
      } catch (error) {
        spinner.error(`${message}: failed`);
        throw error;
      }
    },
    outro: (summary) => p.outro(summary),
  };
}
