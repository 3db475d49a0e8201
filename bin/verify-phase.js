#!/usr/bin/env node
import { exitFlushed, guardSignals, handleOutputErrors } from './signals.js';

const guard = guardSignals('verify-phase', 'interrupted before the checks began: nothing to clean up');
handleOutputErrors();
const { runVerifyCli } = await import('../dist/cli/verify-command.js');

const code = await runVerifyCli(process.argv.slice(2));
guard.returned();
process.exitCode = code;
// Interrupted: temporary databases are already dropped; do not wait for abandoned work.
if (code === 130) exitFlushed(code);
