import { MigrationError } from '../../../core/errors/migrationError';
import { DirectoryErrorCode } from '../onPremisesDirectory';

const GUID = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/**
 * The 16 bytes Active Directory stores for a GUID such as msExchMailboxGuid, in the order .NET's
 * Guid.ToByteArray() gives them (the Microsoft script writes exactly that): the first three
 * groups little-endian, the last two as written. `00112233-4455-6677-8899-aabbccddeeff` →
 * `33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff`.
 */
export function toExchangeGuidBytes(guid: string): Buffer {
  const groups = GUID.exec(guid.trim());
  if (!groups) {
    throw new MigrationError(DirectoryErrorCode.InvalidInput, `The cloud mailbox GUID "${guid.slice(0, 60)}" is not a GUID.`, 'permanent');
  }
  const [, a = '', b = '', c = '', d = '', e = ''] = groups;
  const hex = (text: string): Buffer => Buffer.from(text, 'hex');
  return Buffer.concat([hex(a).reverse(), hex(b).reverse(), hex(c).reverse(), hex(d), hex(e)]);
}
