/**
 * What a long-running program (`npm start`) hands to the code that starts things, so that a
 * signal can stop them at any moment, including while they are still starting.
 */
export interface Shutdown {
  /** Aborted at the first signal: work in progress (seeding mailboxes, waiting for a batch) checks it to give up early. */
  readonly signal: AbortSignal;
  /**
   * Registers how to stop something that has just started. On a signal the registered stops run
   * newest first, each finished before the next begins, so an app stops before the servers it
   * uses; a stop registered after the signal runs at once.
   */
  onStop(stop: () => Promise<void>): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Handles SIGINT (Ctrl+C: the terminal sends it to the whole foreground process group, npm and its
 * shell included), SIGTERM and SIGHUP from the moment it is called: runs the registered stops, then
 * exits with code 0. After `deadlineMs` it exits anyway: a spawned server still running then is
 * killed by its tether the moment this process is gone (see spawnServer), so Ctrl+C always ends
 * everything within the deadline. Repeated signals (npm also forwards the one it got) change nothing.
 */
export function exitOnSignals(options: { deadlineMs: number; say: (line: string) => void }): Shutdown {
  const controller = new AbortController();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => options.say(`While stopping: ${error instanceof Error ? error.message : String(error)}`));
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    controller.abort(new Error(`Stopped by ${signal}.`));
    options.say('Stopping...');
    setTimeout(() => process.exit(0), options.deadlineMs).unref();
    void stopAll().finally(() => process.exit(0));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    onStop: (stop) => {
      if (controller.signal.aborted) void stop().catch(() => undefined);
      else stops.push(stop);
    },
  };
}
