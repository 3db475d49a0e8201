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
 * Errors writing the output, one handler per stream (a second listener would see each error too,
 * and throw what the first handles). EIO: a terminal that went away (SIGHUP, from a closed window
 * or SSH session) fails every later write to it, and the run carries on to its undo and its exit
 * code instead of dying mid-cleanup. EPIPE on stdout, with `onClosedPipe`: the reader of a pipe
 * (`| head`) is gone. Anything else is thrown, as with no handler.
 */
export function handleOutputErrors({ onClosedPipe } = {}) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code === 'EIO') return;
      if (error.code === 'EPIPE' && stream === process.stdout && onClosedPipe) {
        onClosedPipe();
        return;
      }
      throw error;
    });
  }
}

/** Exits once what was written to stdout has reached its pipe or file. */
export function exitFlushed(code) {
  process.stdout.write('', () => process.exit(code));
}
