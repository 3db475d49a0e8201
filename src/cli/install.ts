import path from 'node:path';
import type { PackageManager } from '../detect/facts.js';
import type { InstallOutcome } from '../report/generate-report.js';

/** Runs `<pm> install` in the app directory; output streams to the terminal unless quiet. */
export async function installDependencies(pm: PackageManager, appDir: string, quiet: boolean): Promise<InstallOutcome> {
  const { execa } = await import('execa');
  const command = `${pm} install`;
  try {
    const result = await execa(pm, ['install'], { cwd: appDir, stdio: quiet ? 'pipe' : 'inherit', reject: false, env: { CI: process.env['CI'] ?? '' } });
    if (result.exitCode === 0) return { command, ok: true, skipped: null, error: null };
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    return { command, ok: false, skipped: null, error: `exit ${result.exitCode ?? result.signal}${output ? `: ${output}` : ''} (in ${path.resolve(appDir)})` };
  } catch (error) {
    return { command, ok: false, skipped: null, error: (error as Error).message.split('\n')[0] ?? 'failed' };
  }
}
