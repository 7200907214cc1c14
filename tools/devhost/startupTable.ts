import { resolveSettingReferences } from './appSettings';
import type { FunctionRegistry } from './functionRegistry';
import type { HttpRoute } from './http/httpTriggerRoutes';

/** The "Functions:" listing `func start` prints: one line per function with its trigger. */
export function formatStartupTable(registry: FunctionRegistry, routes: HttpRoute[], baseUrl: string): string {
  const lines = ['', 'Functions:', ''];
  for (const fn of [...registry.functions.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const route = routes.find((r) => r.fn === fn);
    if (route) {
      lines.push(`\t${fn.metadata.name}: [${route.methods.join(',')}] ${baseUrl}${route.display}  (authLevel: ${route.authLevel})`);
      continue;
    }
    const t = fn.trigger;
    const detail =
      t.type === 'blobTrigger'
        ? ` path=${resolved(t.path)}`
        : t.type === 'queueTrigger'
          ? ` queue=${resolved(t.queueName)}`
          : t.type === 'timerTrigger'
            ? ` schedule=${resolved(t.schedule)}`
            : '';
    lines.push(`\t${fn.metadata.name}: ${t.type}${detail}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** A binding value with its %SETTING% references resolved, or as written when one is missing. */
function resolved(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  try {
    return resolveSettingReferences(text, 'startup table');
  } catch {
    return text;
  }
}
