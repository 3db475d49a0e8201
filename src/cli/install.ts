import path from 'node:path';
import type { PackageManager } from '../detect/facts.js';
import type { InstallOutcome } from '../report/generate-report.js';

/** Runs `<pm> install` in the app directory; output streams to the terminal unless quiet. */
export async function installDependencies(pm: PackageManager, appDir: string, quiet: boolean): Promise<InstallOutcome> {
  const { execa } = await import('execa');
  const command = `${pm} install`;
  try {
    const result = await execa(pm, ['install'], {
      cwd: appDir,
      stdin: 'ignore',
      // Progress streams to the terminal; stderr is also kept so a failure can be summarised.
      stdout: quiet ? 'pipe' : 'inherit',
      stderr: quiet ? 'pipe' : ['pipe', 'inherit'],
      reject: false,
    });
    if (result.exitCode === 0) return { command, ok: true, skipped: null, error: null };
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    return { command, ok: false, skipped: null, error: `exit ${result.exitCode ?? result.signal}${output ? `: ${output}` : ''} (in ${path.resolve(appDir)})` };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing ? `${pm} is not installed: install it (e.g. \`corepack enable\`) or pass --no-install` : ((error as Error).message.split('\n')[0] ?? 'failed');
    return { command, ok: false, skipped: null, error: message };
  }
}
