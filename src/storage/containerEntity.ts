import type { ItemType } from '../core/copy/itemType';
import type { ContainerState } from '../core/ledger/containerState';
import { definedFields } from './entityFields';

/** Rows of a mailbox's containers start with this; the lease's row and the forgotten note sort after every other row. */
export const CONTAINER_PREFIX = 'c|';
export const FORGOTTEN_ROW = '~forgotten';
export const LEASE_ROW = '~lease';

/** A container as its table row holds it: flat fields, the type's own checkpoint as JSON. */
interface ContainerEntity {
  type: ItemType;
  sourceId: string;
  displayName: string;
  order: number;
  targetPath?: string;
  targetId?: string;
  primary?: boolean;
  timeZone?: string;
  gone?: boolean;
  passDone?: string;
  failedPass?: string;
  failedDetail?: string;
  copied: number;
  skipped: number;
  bytes: number;
  sourceItems: number;
  retryable: number;
  badPass?: string;
  badCount?: number;
  checkpointJson?: string;
}

export function containerRowKey(container: Pick<ContainerState, 'key'>): string {
  return `${CONTAINER_PREFIX}${container.key}`;
}

export function toContainerEntity(c: ContainerState): object {
  const checkpoint = c.mail ?? c.dav;
  const entity: ContainerEntity = {
    type: c.type,
    sourceId: c.sourceId,
    displayName: c.displayName,
    order: c.order,
    targetPath: c.targetPath,
    targetId: c.targetId,
    primary: c.primary || undefined,
    timeZone: c.timeZone,
    gone: c.gone || undefined,
    passDone: c.passDone,
    failedPass: c.failed?.pass,
    failedDetail: c.failed?.detail,
    copied: c.counts.copied,
    skipped: c.counts.skipped,
    bytes: c.counts.bytes,
    sourceItems: c.counts.sourceItems,
    retryable: c.counts.retryable,
    badPass: c.counts.bad?.pass,
    badCount: c.counts.bad?.count,
    checkpointJson: checkpoint ? JSON.stringify(checkpoint) : undefined,
  };
  return definedFields(entity);
}

export function toContainer(rowKey: string, e: ContainerEntity): ContainerState {
  const checkpoint = e.checkpointJson ? (JSON.parse(e.checkpointJson) as object) : undefined;
  const optional = definedFields({
    targetPath: e.targetPath,
    targetId: e.targetId,
    primary: e.primary || undefined,
    timeZone: e.timeZone,
    gone: e.gone || undefined,
    passDone: e.passDone,
    failed: e.failedPass !== undefined ? { pass: e.failedPass, detail: e.failedDetail ?? '' } : undefined,
    mail: checkpoint && e.type === 'mail' ? (checkpoint as ContainerState['mail']) : undefined,
    dav: checkpoint && e.type !== 'mail' ? (checkpoint as ContainerState['dav']) : undefined,
  });
  return {
    key: rowKey.slice(CONTAINER_PREFIX.length),
    type: e.type,
    sourceId: e.sourceId,
    displayName: e.displayName,
    order: e.order,
    ...optional,
    counts: definedFields({
      copied: e.copied ?? 0,
      skipped: e.skipped ?? 0,
      bytes: e.bytes ?? 0,
      sourceItems: e.sourceItems ?? 0,
      retryable: e.retryable ?? 0,
      bad: e.badPass !== undefined ? { pass: e.badPass, count: e.badCount ?? 0 } : undefined,
    }),
  };
}

export type { ContainerEntity };
