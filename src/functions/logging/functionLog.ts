import type { InvocationContext } from '@azure/functions';

/**
 * Fields a log line carries besides its sentence: ids only (a batch, a mailbox, a blob, a step), never a
 * password, token or message content.
 */
export interface LogFields {
  batchId?: string;
  mailboxKey?: string;
  [name: string]: string | number | boolean | undefined;
}

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Writes one log line as a JSON object: `{"msg": ..., "batchId": ..., "mailboxKey": ..., ...}`. The
 * Functions host sends each line to Application Insights as a trace, where one mailbox's story is
 * `traces | extend f = parse_json(message) | where f.batchId == "b1" and f.mailboxKey == "ann@contoso.com"`.
 */
export function logEvent(context: InvocationContext, level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ msg, ...definedOnly(fields) });
  if (level === 'error') context.error(line);
  else if (level === 'warn') context.warn(line);
  else context.log(line);
}

function definedOnly(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
