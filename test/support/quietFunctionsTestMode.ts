/**
 * Handlers are imported straight into tests, where `@azure/functions` finds no host and says so
 * (once per registration). Those two warnings are expected there; everything else is kept.
 */
const expected = [/Failed to detect the Azure Functions runtime/, /because the "@azure\/functions" package is in test mode/];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && expected.some((pattern) => pattern.test(args[0] as string))) return;
  warn(...args);
};
