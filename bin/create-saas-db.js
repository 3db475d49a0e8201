#!/usr/bin/env node
import { exitFlushed, guardSignals, handleOutputErrors } from './signals.js';

const guard = guardSignals('create-saas-db', 'interrupted before starting: nothing was written');
// Output piped into `head` and friends: a closed pipe ends the run quietly.
handleOutputErrors({ onClosedPipe: () => process.exit(process.exitCode ?? 0) });
const { runCreateCli } = await import('../dist/cli/create-command.js');

const code = await runCreateCli(process.argv.slice(2));
guard.returned();
process.exitCode = code;
// Interrupted: what the run wrote is undone and temporary databases are dropped; do not wait
// for abandoned work.
if (code === 130) exitFlushed(code);
