/**
 * The host's console, one line per meaningful event, in the spirit of `func start`:
 * `[time] message` for the host, `[time] Function.name: message` for user logs.
 */
export interface HostLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  fromFunction(functionName: string, level: string, category: string, message: string): void;
}

export type LogSink = (line: string) => void;

export function createHostLog(sink: LogSink, options: { verbose?: boolean } = {}): HostLog {
  const stamp = (): string => new Date().toISOString();
  return {
    info: (message) => sink(`[${stamp()}] ${message}`),
    warn: (message) => sink(`[${stamp()}] WARN ${message}`),
    error: (message) => sink(`[${stamp()}] ERROR ${message}`),
    fromFunction: (functionName, level, category, message) => {
      if (category === 'system' && level !== 'error' && level !== 'warning' && !options.verbose) return;
      const tag = level === 'error' ? ' ERROR' : level === 'warning' ? ' WARN' : '';
      sink(`[${stamp()}]${tag} Function.${functionName}: ${message}`);
    },
  };
}
