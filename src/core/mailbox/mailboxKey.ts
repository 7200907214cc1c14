/**
 * The key of a mailbox inside its batch: the lower-cased SMTP address, with the characters that
 * Azure Table Storage forbids in keys (`/ \ # ?` and control characters) percent-encoded, so the
 * key is both a valid RowKey and reversible.
 * https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#characters-disallowed-in-key-fields
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Table Storage refuses in keys
const DISALLOWED_IN_KEYS = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;

export function toMailboxKey(emailAddress: string): string {
  return emailAddress
    .trim()
    .toLowerCase()
    .replace(DISALLOWED_IN_KEYS, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
