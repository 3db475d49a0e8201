#!/usr/bin/env node
import { runVerifyCli } from '../dist/cli/verify-command.js';

const code = await runVerifyCli(process.argv.slice(2));
process.exitCode = code;
// Interrupted: temporary databases are already dropped; do not wait for abandoned work.
if (code === 130) process.exit(code);
