/**
 * Exchange 2007 and 2010 answer a FETCH for an item their IMAP service cannot convert to MIME with a
 * small stand-in note instead of the item: its subject is "Retrieval using the IMAP4 protocol failed for
 * the following message: <n>" and its body "The server couldn't retrieve the following message: ..."
 * (captures in OfflineIMAP issue 62 and FreeScout issue 3203; see tools/imap-fault-proxy/README.md).
 * Copying it would put a notice in place of the mail and report it copied: it is a bad item.
 */
const STUB_TEXT = 'Retrieval using the IMAP4 protocol failed for the following';

/** Stubs are a few kilobytes; larger messages are not looked at. */
const STUB_MAX_BYTES = 16 * 1024;

/**
 * True when the (unfolded) Subject begins with Exchange's sentence, or the body opens with it (within its
 * first kilobyte, past a MIME preamble). A message merely quoting it further down is not a stub.
 */
export function isExchangeRetrievalStub(raw: Buffer): boolean {
  if (raw.length > STUB_MAX_BYTES) return false;
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  if (split < 0) return false;
  const header = text.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^Subject:[ \t]*(.*)$/im.exec(header)?.[1] ?? '';
  return subject.startsWith(STUB_TEXT) || text.slice(split, split + 1024).includes(STUB_TEXT);
}
