// Ctrl-C for the commands that report what they found so far (trigger, replay, check).

/**
 * Aborts on the first SIGINT or SIGTERM, with the signal as the reason; a second one ends the process at once.
 * The handler stays installed until the run ends: ora's cursor restorer (signal-exit) re-raises a signal that no
 * one else listens to, which would kill the run before its summary.
 */
export function stopOnSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) return controller.abort(signal);
    dispose();
    process.kill(process.pid, signal);
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}
