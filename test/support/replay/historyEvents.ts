/**
 * History events as the Durable Functions extension hands them to the Node SDK: DurableTask.Core's
 * `HistoryEvent`, serialised with PascalCase names, times as ISO text and payloads as JSON text. The
 * shape is the devhost's own (tools/devhost/durable/historyEvents.ts), which plays them to the same SDK.
 */
export { EventType as HistoryEventType, type HistoryEvent } from '../../../tools/devhost/durable/historyEvents';
