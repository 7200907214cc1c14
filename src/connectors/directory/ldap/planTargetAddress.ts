import { Attribute, Change, type Entry } from 'ldapts';

import { ExchangeAttribute } from './exchangeRecipientAttributes';
import { readEntryValue } from './readEntryValues';
import { isTargetAddressFor, toTargetAddressValue } from './toTargetAddressValue';

/**
 * The change that makes Exchange forward a user's mail to the cloud mailbox, or none when
 * targetAddress already says so. This is the staged migration's "configures mail forwarding"
 * step: the on-premises TargetAddress holds the Exchange Online mailbox's address.
 */
export function planTargetAddress(entry: Entry, cloudAddress: string): Change[] {
  if (isTargetAddressFor(readEntryValue(entry, ExchangeAttribute.targetAddress), cloudAddress)) return [];
  const modification = new Attribute({ type: ExchangeAttribute.targetAddress, values: [toTargetAddressValue(cloudAddress)] });
  return [new Change({ operation: 'replace', modification })];
}
