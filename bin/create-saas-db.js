#!/usr/bin/env node
import { exitFlushed, guardSignals, ignoreClosedTerminal } from './signals.js';

const guard = guardSignals('create-saas-db', 'interrupted before starting: nothing was written');
ignoreClosedTerminal();
const { runCreateCli } = await import('../dist/cli/create-command.js');

// Output piped into `head` and friends: a closed pipe ends the run quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  if (error.code !== 'EIO') throw error;
});
const code = await runCreateCli(process.argv.slice(2));
guard.returned();
process.exitCode = code;
// Interrupted: what the run wrote is undone and temporary databases are dropped; do not wait
// for abandoned work.
if (code === 130) exitFlushed(code);
