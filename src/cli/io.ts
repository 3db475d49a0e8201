/** Where every command reads its surroundings and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdin is a terminal (questions may be asked). */
  readonly isTTY: boolean;
  /** Whether stdout is a terminal (colours may be used); absent means no. */
  readonly stdoutIsTTY?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export const processIo = (): CliIo => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stdin.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
});
