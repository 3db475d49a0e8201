#!/usr/bin/env node
import { runCreateCli } from '../dist/cli/create-command.js';

// Output piped into `head` and friends: a closed pipe ends the run quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCreateCli(process.argv.slice(2));
