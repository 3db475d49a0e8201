#!/usr/bin/env node
import { runCreateCli } from '../dist/cli/create-command.js';

process.exitCode = await runCreateCli(process.argv.slice(2));
