import { isExchangeRetrievalStub } from '../../../src/core/mime/exchangeRetrievalStub';

describe("Exchange's retrieval-failed stub", () => {
  it('is recognised by its subject, folded as Exchange 2010 sends it', () => {
    const stub = Buffer.from(
      "From: Microsoft Exchange Server 2007\r\nSubject: Retrieval using the IMAP4 protocol failed for the following\r\n message: 42\r\n\r\nThe server couldn't retrieve the following message:\r\n",
    );
    expect(isExchangeRetrievalStub(stub)).toBe(true);
  });

  it('is recognised when its sentence opens the body', () => {
    const stub = Buffer.from(
      'From: a@x\r\nSubject: Quarterly\r\n\r\nRetrieval using the IMAP4 protocol failed for the following message:\r\nSubject: Quarterly\r\n',
    );
    expect(isExchangeRetrievalStub(stub)).toBe(true);
  });

  it('is not a message that quotes the sentence further down, or a large message', () => {
    const quoting = Buffer.from(
      `From: a@x\r\nSubject: Re: errors\r\n\r\n${'Here is what we saw yesterday. '.repeat(60)}\r\nRetrieval using the IMAP4 protocol failed for the following message\r\n`,
    );
    expect(isExchangeRetrievalStub(quoting)).toBe(false);
    const large = Buffer.concat([
      Buffer.from('Subject: x\r\n\r\nRetrieval using the IMAP4 protocol failed for the following message'),
      Buffer.alloc(20_000, 0x61),
    ]);
    expect(isExchangeRetrievalStub(large)).toBe(false);
  });
});
