import { expectGraphErrorBody, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'sam@contoso.onmicrosoft.com';

interface GraphErrorBody {
  error: { code: string; message: string };
}

describe('m365-sandbox request bodies are checked against Graph v1.0 schema', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true, usageLocation: 'GB' });
  });
  afterAll(async () => h.sandbox.stop());

  /** A raw request, so the test sees the exact status and body Graph would send. */
  const send = async (method: string, path: string, body: string, contentType = 'application/json'): Promise<{ status: number; json: unknown }> => {
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await h.token()}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const createMessage = async (body: unknown): Promise<{ status: number; json: unknown }> =>
    send('POST', `/users/${UPN}/mailFolders/inbox/messages`, JSON.stringify(body));
  const errorOf = (json: unknown): GraphErrorBody['error'] => (json as GraphErrorBody).error;

  test('a message create with a property the type does not define is refused with 400 RequestBodyRead, as Exchange does', async () => {
    const { status, json } = await createMessage({ subject: 'x', importanceLevel: 'high' });
    expect(status).toBe(400);
    expectGraphErrorBody(json, 'RequestBodyRead');
    expect(errorOf(json).message).toBe(
      "The property 'importanceLevel' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    );
  });

  test('a value of the wrong type ("isRead": "yes") is refused with the literal ODL could not convert', async () => {
    const { status, json } = await createMessage({ subject: 'x', isRead: 'yes' });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({ code: 'RequestBodyRead', message: "Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'." });
  });

  test('a string for a complex property is refused as not matching the schema', async () => {
    const { status, json } = await createMessage({ subject: 'x', body: 'plain text' });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({ code: 'BadRequest', message: 'Property body in payload has a value that does not match schema.' });
  });

  test('an enum value that is not a member ("importance": "urgent") is refused', async () => {
    const { status, json } = await createMessage({ subject: 'x', importance: 'urgent' });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({ code: 'RequestBodyRead', message: "Requested value 'urgent' was not found." });
  });

  test('enum members are matched without regard to case, as Microsoft\'s own samples send "HTML"', async () => {
    const { status } = await createMessage({ subject: 'x', body: { contentType: 'HTML', content: '<p>x</p>' }, importance: 'High' });
    expect(status).toBe(201);
  });

  test('null for a property the CSDL declares Nullable="false" (an attachment\'s isInline) is refused', async () => {
    const { status, json } = await createMessage({
      subject: 'x',
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: 'aGVsbG8=', isInline: null }],
    });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({
      code: 'RequestBodyRead',
      message:
        "A null value was found for the property named 'isInline', which has the expected type 'Edm.Boolean[Nullable=False]'. The expected type 'Edm.Boolean[Nullable=False]' does not allow null values.",
    });
  });

  test('an unknown property inside a nested complex value (body.foo) is refused naming the complex type', async () => {
    const { status, json } = await createMessage({ subject: 'x', body: { contentType: 'text', content: 'x', foo: 1 } });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({
      code: 'RequestBodyRead',
      message: expect.stringMatching(/^The property 'foo' does not exist on type 'Microsoft\.OutlookServices\.ItemBody'\./),
    });
  });

  test('a body that is not JSON is refused with 400 BadRequest', async () => {
    const { status, json } = await send('POST', `/users/${UPN}/mailFolders/inbox/messages`, '{"subject": ');
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({
      code: 'BadRequest',
      message: 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    });
  });

  test('an unknown property inside a $batch request is answered 400 inside the 200 batch, the other request succeeds', async () => {
    const { status, json } = await send(
      'POST',
      '/$batch',
      JSON.stringify({
        requests: [
          {
            id: '1',
            method: 'POST',
            url: `/users/${UPN}/mailFolders/inbox/messages`,
            headers: { 'Content-Type': 'application/json' },
            body: { subject: 'fine' },
          },
          {
            id: '2',
            method: 'POST',
            url: `/users/${UPN}/mailFolders/inbox/messages`,
            headers: { 'Content-Type': 'application/json' },
            body: { subject: 'x', colour: 'red' },
          },
        ],
      }),
    );
    expect(status).toBe(200);
    const answers = (json as { responses: { id: string; status: number; body: unknown }[] }).responses;
    expect(answers.find((a) => a.id === '1')!.status).toBe(201);
    const refused = answers.find((a) => a.id === '2')!;
    expect(refused.status).toBe(400);
    expect(errorOf(refused.body)).toMatchObject({
      code: 'RequestBodyRead',
      message: expect.stringMatching(/^The property 'colour' does not exist on type 'Microsoft\.OutlookServices\.Message'\./),
    });
  });

  test('a full message create, with a file attachment and extended properties, is accepted', async () => {
    const { status, json } = await createMessage({
      subject: 'full copy',
      body: { contentType: 'html', content: '<p>hello</p>' },
      from: { emailAddress: { name: 'Old Sender', address: 'old.sender@legacy.example' } },
      sender: { emailAddress: { name: 'Old Sender', address: 'old.sender@legacy.example' } },
      toRecipients: [{ emailAddress: { name: 'Sam', address: UPN } }],
      ccRecipients: [],
      replyTo: [{ emailAddress: { address: 'replies@legacy.example' } }],
      internetMessageId: '<full-0001@legacy.example>',
      isRead: true,
      flag: { flagStatus: 'flagged' },
      categories: ['Migrated'],
      internetMessageHeaders: [{ name: 'x-migrated-from', value: 'legacy' }],
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '1' },
        { id: 'SystemTime 0x0E06', value: '2009-03-14T09:26:53Z' },
        { id: 'String {00020329-0000-0000-C000-000000000046} Name StagedMigrationSourceKey', value: 'src-1' },
      ],
      attachments: [
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: 'report.pdf',
          contentType: 'application/pdf',
          contentBytes: Buffer.from('%PDF-1.4').toString('base64'),
          isInline: false,
        },
      ],
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({ subject: 'full copy', isDraft: false, hasAttachments: true });
  });

  test("a user PATCH with a property the user type does not define is refused with the directory's error shape", async () => {
    const { status, json } = await send('PATCH', `/users/${UPN}`, JSON.stringify({ usageLocation: 'GB', favouriteColour: 'red' }));
    expect(status).toBe(400);
    expectGraphErrorBody(json, 'Request_BadRequest');
    expect(errorOf(json).message).toBe("Invalid property 'favouriteColour'.");
  });

  test('a JSON sendMail with the parameters as the documentation spells them is accepted', async () => {
    const { status } = await send(
      'POST',
      `/users/${UPN}/sendMail`,
      JSON.stringify({ message: { subject: 'a', toRecipients: [{ emailAddress: { address: UPN } }] }, saveToSentItems: false }),
    );
    expect(status).toBe(202);
  });

  test('a sendMail parameter the action does not define is refused', async () => {
    const { status, json } = await send('POST', `/users/${UPN}/sendMail`, JSON.stringify({ message: { subject: 'a' }, saveToDrafts: true }));
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({
      code: 'RequestBodyRead',
      message: "The parameter 'saveToDrafts' in the request payload is not a valid parameter for the operation 'SendMail'.",
    });
  });

  test('a MIME create (text/plain) is not read as JSON', async () => {
    const mime = Buffer.from(['From: a@legacy.example', `To: ${UPN}`, 'Subject: mime', '', 'body', ''].join('\r\n')).toString('base64');
    const { status } = await send('POST', `/users/${UPN}/mailFolders/inbox/messages`, mime, 'text/plain');
    expect(status).toBe(201);
  });
});
