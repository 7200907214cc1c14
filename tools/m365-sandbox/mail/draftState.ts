import { GraphError } from '../graphError';
import type { ExtendedPropertyRecord } from '../store/types';

/** MAPI tags Exchange reads when an item is first saved (https://learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty). */
export const PR_MESSAGE_FLAGS = 'integer 0x0e07';
export const PR_MESSAGE_DELIVERY_TIME = 'systemtime 0x0e06';
export const PR_CLIENT_SUBMIT_TIME = 'systemtime 0x0039';
const MSGFLAG_READ = 0x1;
const MSGFLAG_UNSENT = 0x8;

export interface DeliveryState {
  isDraft: boolean;
  isRead: boolean | undefined;
  receivedDateTime: string;
  sentDateTime: string;
}

/**
 * Exchange's draft trap. An item created through Graph is saved with `mfUnsent` set, so it is a draft
 * (`isDraft: true`) and its received and sent times are the creation time. Only the extended properties
 * given *at creation* change that: `PR_MESSAGE_FLAGS` without the unsent bit (0x8) makes it a delivered
 * item, `PR_MESSAGE_DELIVERY_TIME` and `PR_CLIENT_SUBMIT_TIME` become `receivedDateTime`/`sentDateTime`.
 * After the first save the flags are read-only ([MS-OXCMSG] 2.2.1.6 PidTagMessageFlags), so a later PATCH
 * of 0x0E07 is stored but changes nothing; the MIME create cannot carry extended properties at all.
 */
export function deliveryStateAtCreation(properties: ExtendedPropertyRecord[], createdAt: string): DeliveryState {
  const flags = findProperty(properties, PR_MESSAGE_FLAGS);
  const flagValue = flags === undefined ? MSGFLAG_UNSENT : parseInteger(flags);
  const delivered = findProperty(properties, PR_MESSAGE_DELIVERY_TIME);
  const submitted = findProperty(properties, PR_CLIENT_SUBMIT_TIME);
  return {
    isDraft: (flagValue & MSGFLAG_UNSENT) !== 0,
    isRead: flags === undefined ? undefined : (flagValue & MSGFLAG_READ) !== 0,
    receivedDateTime: delivered === undefined ? createdAt : parseSystemTime(delivered),
    sentDateTime: submitted === undefined ? createdAt : parseSystemTime(submitted),
  };
}

/** Graph keeps the property id as sent but matches it case-insensitively. */
export function findProperty(properties: ExtendedPropertyRecord[], id: string): string | undefined {
  return properties.find((property) => normalisePropertyId(property.id) === id)?.value;
}

export function normalisePropertyId(id: string): string {
  return id.trim().replace(/\s+/g, ' ').toLowerCase();
}

function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw invalidValue(value, 'Integer');
  return Number(value);
}

function parseSystemTime(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidValue(value, 'SystemTime');
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function invalidValue(value: string, type: string): GraphError {
  return new GraphError(400, 'ErrorInvalidExtendedPropertyValue', `The extended property value '${value}' is not a valid ${type}.`);
}
