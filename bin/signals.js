// Installed first thing by each bin, before the command is even loaded, so that no signal ends
// the process by the default handler (silently, by the signal): while the command handles
// signals itself (it adds its own listeners) this stays out of the way; before that nothing has
// been written, after the command returned nothing is left to undo. Either way: a message, 130.
export function guardSignals(name, beforeMessage) {
  let returned = false;
  const onSignal = (signal) => {
    if (process.listenerCount(signal) > 1) return;
    process.stderr.write(`${name}: ${returned ? 'interrupted after the last write: done: nothing to undo' : beforeMessage}\n`);
    exitFlushed(130);
  };
  // The command's STOP_SIGNALS (src/cli/interrupt.ts), which this file, loaded before the command, cannot import.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  return { returned: () => (returned = true) };
}

/**
 * A terminal that went away (SIGHUP, from a closed window or SSH session) fails every later write
 * to it with EIO, as an 'error' event nothing handles: the process would die of it mid-cleanup.
 * What is printed then has nowhere to go; the run carries on to its undo and its exit code.
 */
export function ignoreClosedTerminal() {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code !== 'EIO') throw error;
    });
  }
}

/** Exits once what was written to stdout has reached its pipe or file. */
export function exitFlushed(code) {
  process.stdout.write('', () => process.exit(code));
}
