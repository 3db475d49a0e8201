import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCreateCli } from '../../src/cli/create-command.js';
import { parseOptions } from '../../src/cli/parse-options.js';
import { dirInsideTarget } from '../../src/options/paths.js';
import { defineCommand, field, flag } from '../../src/options/spec.js';

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), isTTY: false, env: {}, cwd: process.cwd() };
}

const demo = defineCommand({
  name: 'demo',
  description: 'a command declared for the test',
  arguments: { dir: field('[dir]', 'where', z._default(z.string(), '.'), '.') },
  options: {
    webDir: field('--web-dir <dir>', 'inside the target', z.optional(dirInsideTarget())),
    types: field('--no-types', 'no types', flag(true)),
    level: field('--level <n>', 'a level', z._default(z.enum(['low', 'high'], { error: 'must be low or high' }), 'low'), 'low'),
  },
  helpAfter: '\nExit codes: 0 ok',
});

describe('parseOptions', () => {
  it('returns the validated options, defaults applied and paths normalised', () => {
    expect(parseOptions(demo, ['repo', '--web-dir', './apps/web/', '--no-types'], captureIo())).toEqual({
      kind: 'options',
      options: { dir: 'repo', webDir: 'apps/web', types: false, level: 'low' },
    });
  });

  it('turns a parse or validation problem into a one-line usage message', () => {
    expect(parseOptions(demo, ['--nope'], captureIo())).toEqual({ kind: 'usage', message: "unknown option '--nope' (see --help)" });
    expect(parseOptions(demo, ['--level', 'mid'], captureIo())).toEqual({ kind: 'usage', message: '--level: must be low or high' });
    expect(parseOptions(demo, ['--web-dir', '../out'], captureIo())).toEqual({
      kind: 'usage',
      message: '--web-dir ../out: must be a path inside the target directory',
    });
    expect(parseOptions(demo, ['--web-dir', '/abs'], captureIo())).toMatchObject({ kind: 'usage' });
  });

  it('prints the help built from the declaration to io.stdout', () => {
    const io = captureIo();
    expect(parseOptions(demo, ['--help'], io)).toEqual({ kind: 'printed' });
    const help = io.out.join('');
    expect(help).toContain('--level <n>');
    expect(help).toContain('(default: "low")');
    expect(help).toContain('Exit codes: 0 ok');
  });

  it('refuses a declaration whose key is not the name commander gives the flag', () => {
    const wrong = defineCommand({
      name: 'wrong',
      description: 'a key that is not the flag',
      arguments: {},
      options: { web: field('--web-dir <dir>', 'x', z.optional(z.string())) },
      helpAfter: '',
    });
    expect(() => parseOptions(wrong, [], captureIo())).toThrow(/--web-dir <dir> is declared as web, not webDir/);
  });
});

describe('create-saas-db verify … and types … use the caller’s io', () => {
  it.each([['verify'], ['types']])('%s --help', async (command) => {
    const io = captureIo();
    expect(await runCreateCli([command, '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Exit codes:');
  });

  it('verify usage errors', async () => {
    const io = captureIo();
    expect(await runCreateCli(['verify', '04', '--web-dir', '../elsewhere'], io)).toBe(2);
    expect(io.err.join('')).toBe('create-saas-db verify: --web-dir ../elsewhere: must be a path inside the target directory\n');
  });
});
