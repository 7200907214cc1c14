import { graphSchemaV1 } from '../../../tools/m365-sandbox/schema/graphSchema';
import { checkEnumValue, checkPrimitiveValue } from '../../../tools/m365-sandbox/schema/scalarValueChecks';
import { type GraphBodyOptions, type GraphBodyTarget, validateGraphBody } from '../../../tools/m365-sandbox/schema/validateGraphBody';

const OUTLOOK: GraphBodyOptions = { workload: 'outlook' };
const DIRECTORY: GraphBodyOptions = { workload: 'directory' };
const MESSAGE_CREATE: GraphBodyTarget = { type: 'graph.message', operation: 'create' };
const MESSAGE_UPDATE: GraphBodyTarget = { type: 'graph.message', operation: 'update' };

/** The error as `status code: message`, or 'ok'. */
function answer(target: GraphBodyTarget, body: unknown, options: GraphBodyOptions = OUTLOOK): string {
  const error = validateGraphBody(graphSchemaV1, target, body, options);
  return error ? `${error.status} ${error.code}: ${error.message}` : 'ok';
}

describe('validateGraphBody', () => {
  test.each<[string, GraphBodyTarget, unknown, GraphBodyOptions, string]>([
    ['a known property', MESSAGE_CREATE, { subject: 'x' }, OUTLOOK, 'ok'],
    [
      'instance and property annotations',
      MESSAGE_CREATE,
      { '@odata.context': 'x', '@odata.type': '#microsoft.graph.message', 'subject@odata.type': 'String', subject: 'x' },
      OUTLOOK,
      'ok',
    ],
    ["a base type's property (outlookItem.categories)", MESSAGE_CREATE, { categories: ['a'] }, OUTLOOK, 'ok'],
    [
      'an unknown property',
      MESSAGE_CREATE,
      { colour: 'red' },
      OUTLOOK,
      "400 RequestBodyRead: The property 'colour' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    ],
    [
      'a property in another casing',
      MESSAGE_CREATE,
      { Subject: 'x' },
      OUTLOOK,
      "400 RequestBodyRead: The property 'Subject' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    ],
    [
      'an unknown property in a nested complex value',
      MESSAGE_CREATE,
      { flag: { flagStatus: 'flagged', due: 'x' } },
      OUTLOOK,
      "400 RequestBodyRead: The property 'due' does not exist on type 'Microsoft.OutlookServices.FollowupFlag'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    ],
    [
      'an unknown user property',
      { type: 'graph.user', operation: 'update' },
      { nickname: 'x' },
      DIRECTORY,
      "400 Request_BadRequest: Invalid property 'nickname'.",
    ],
    [
      'a directory extension property on a user',
      { type: 'graph.user', operation: 'update' },
      { extension_0123456789abcdef0123456789abcdef_costCentre: 'x' },
      DIRECTORY,
      'ok',
    ],
    [
      'a string for a Boolean that is not one',
      MESSAGE_CREATE,
      { isRead: 'yes' },
      OUTLOOK,
      "400 RequestBodyRead: Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.",
    ],
    ['a string ODL converts to a Boolean', MESSAGE_CREATE, { isRead: 'false' }, OUTLOOK, 'ok'],
    [
      'a Boolean for a string',
      MESSAGE_CREATE,
      { subject: true },
      OUTLOOK,
      "400 RequestBodyRead: Cannot convert the literal 'True' to the expected type 'Edm.String'.",
    ],
    [
      'a string for a complex value',
      MESSAGE_CREATE,
      { body: 'text' },
      OUTLOOK,
      '400 BadRequest: Property body in payload has a value that does not match schema.',
    ],
    [
      'an object for a collection',
      MESSAGE_CREATE,
      { toRecipients: { emailAddress: { address: 'a@b.c' } } },
      OUTLOOK,
      '400 BadRequest: Property toRecipients in payload has a value that does not match schema.',
    ],
    ['an unknown enum member', MESSAGE_CREATE, { importance: 'urgent' }, OUTLOOK, "400 RequestBodyRead: Requested value 'urgent' was not found."],
    ['an enum member in another casing', MESSAGE_CREATE, { body: { contentType: 'HTML', content: 'x' } }, OUTLOOK, 'ok'],
    ['null for a nullable property', MESSAGE_CREATE, { from: null }, OUTLOOK, 'ok'],
    [
      'null for a collection',
      MESSAGE_CREATE,
      { toRecipients: null },
      OUTLOOK,
      "400 RequestBodyRead: A null value was found for the property named 'toRecipients', which has the expected type 'Collection(Microsoft.OutlookServices.Recipient)[Nullable=True]'. The expected type 'Collection(Microsoft.OutlookServices.Recipient)[Nullable=True]' cannot be null but it can have null values.",
    ],
    [
      'null for a non-nullable property',
      { type: 'graph.fileAttachment', operation: 'create' },
      { isInline: null },
      OUTLOOK,
      "400 RequestBodyRead: A null value was found for the property named 'isInline', which has the expected type 'Edm.Boolean[Nullable=False]'. The expected type 'Edm.Boolean[Nullable=False]' does not allow null values.",
    ],
    [
      'a file attachment named by @odata.type',
      MESSAGE_CREATE,
      { attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a', contentBytes: 'aGk=' }] },
      OUTLOOK,
      'ok',
    ],
    [
      "a derived type's property without @odata.type",
      MESSAGE_CREATE,
      { attachments: [{ name: 'a', contentBytes: 'aGk=' }] },
      OUTLOOK,
      "400 RequestBodyRead: The property 'contentBytes' does not exist on type 'Microsoft.OutlookServices.Attachment'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    ],
    [
      "an @odata.type outside the declared type's family",
      MESSAGE_CREATE,
      { attachments: [{ '@odata.type': '#microsoft.graph.message' }] },
      OUTLOOK,
      "400 RequestBodyRead: A resource with type 'Microsoft.OutlookServices.Message' was found, but it is not assignable to the expected type 'Microsoft.OutlookServices.Attachment'. The type specified in the resource must be equal to either the expected type or a derived type.",
    ],
    [
      'an @odata.type the model does not know',
      MESSAGE_CREATE,
      { attachments: [{ '@odata.type': '#microsoft.graph.videoAttachment' }] },
      OUTLOOK,
      "400 RequestBodyRead: A type named 'microsoft.graph.videoAttachment' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.",
    ],
    [
      'base64 that is not',
      MESSAGE_CREATE,
      { attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', contentBytes: 'not base64!' }] },
      OUTLOOK,
      "400 RequestBodyRead: Cannot convert the literal 'not base64!' to the expected type 'Edm.Binary'.",
    ],
    ['extended properties in a PATCH', MESSAGE_UPDATE, { singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }] }, OUTLOOK, 'ok'],
    [
      'attachments in a PATCH',
      MESSAGE_UPDATE,
      { attachments: [] },
      OUTLOOK,
      "400 RequestBodyRead: The navigation property 'attachments' of type 'Microsoft.OutlookServices.Message' cannot be written in this request body.",
    ],
    [
      'an open extension with its custom data',
      { type: 'graph.event', operation: 'create' },
      { extensions: [{ '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: 'com.contoso.x', costCentre: '42' }] },
      OUTLOOK,
      'ok',
    ],
    [
      'a folder create with its child folders',
      { type: 'graph.mailFolder', operation: 'create' },
      { displayName: 'x', childFolders: [] },
      OUTLOOK,
      "400 RequestBodyRead: The navigation property 'childFolders' of type 'Microsoft.OutlookServices.MailFolder' cannot be written in this request body.",
    ],
    [
      'a body that is an array',
      MESSAGE_CREATE,
      [],
      OUTLOOK,
      "400 RequestBodyRead: An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
    ],
  ])('%s', (_name, target, body, options, expected) => {
    expect(answer(target, body, options)).toBe(expected);
  });

  test.each<[string, GraphBodyTarget, unknown, GraphBodyOptions, string]>([
    ['sendMail as documented', { action: 'user.sendMail' }, { message: { subject: 'x' }, saveToSentItems: 'false' }, OUTLOOK, 'ok'],
    ["sendMail as the CSDL and Microsoft's SDK spell it", { action: 'user.sendMail' }, { Message: { subject: 'x' }, SaveToSentItems: false }, OUTLOOK, 'ok'],
    [
      'sendMail without its message',
      { action: 'user.sendMail' },
      { saveToSentItems: false },
      OUTLOOK,
      "400 RequestBodyRead: One or more parameters of the operation 'SendMail' are missing from the request payload. The missing parameters are: Message.",
    ],
    [
      'move with an unknown parameter',
      { action: 'message.move' },
      { destinationId: 'inbox', copy: true },
      OUTLOOK,
      "400 RequestBodyRead: The parameter 'copy' in the request payload is not a valid parameter for the operation 'Move'.",
    ],
    [
      'createUploadSession as documented',
      { action: 'attachment.createUploadSession' },
      { AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: 3483322 } },
      OUTLOOK,
      'ok',
    ],
    [
      'createUploadSession with the size as a string',
      { action: 'attachment.createUploadSession' },
      { AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: '3483322' } },
      OUTLOOK,
      "400 RequestBodyRead: Cannot convert a value to target type 'Edm.Int64' because of conflict between input format string/number and parameter 'IEEE754Compatible' false/true.",
    ],
    [
      'createUploadSession with the size as a string and IEEE754Compatible=true',
      { action: 'attachment.createUploadSession' },
      { AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: '3483322' } },
      { workload: 'outlook', ieee754Compatible: true },
      'ok',
    ],
    [
      'assignLicense as the service sends it',
      { action: 'user.assignLicense' },
      { addLicenses: [{ skuId: '4b9405b0-7788-4568-add1-99614e613b69', disabledPlans: [] }], removeLicenses: [] },
      DIRECTORY,
      'ok',
    ],
    [
      'assignLicense with a SKU that is not a GUID',
      { action: 'user.assignLicense' },
      { addLicenses: [{ skuId: 'EXCHANGESTANDARD' }], removeLicenses: [] },
      DIRECTORY,
      "400 Request_BadRequest: Cannot convert the literal 'EXCHANGESTANDARD' to the expected type 'Edm.Guid'.",
    ],
    [
      'assignLicense in another casing',
      { action: 'user.assignLicense' },
      { AddLicenses: [], removeLicenses: [] },
      DIRECTORY,
      "400 Request_BadRequest: The parameter 'AddLicenses' in the request payload is not a valid parameter for the operation 'assignLicense'.",
    ],
  ])('action: %s', (_name, target, body, options, expected) => {
    expect(answer(target, body, options)).toBe(expected);
  });
});

describe('checkPrimitiveValue', () => {
  test.each<[string, unknown, boolean]>([
    ['Edm.String', 'x', true],
    ['Edm.String', 5, false],
    ['Edm.Boolean', true, true],
    ['Edm.Boolean', 'TRUE', true],
    ['Edm.Boolean', 1, false],
    ['Edm.Int32', 5, true],
    ['Edm.Int32', '5', true],
    ['Edm.Int32', 1.5, false],
    ['Edm.Int32', 2147483648, false],
    ['Edm.Int64', 3483322, true],
    ['Edm.Double', 1.5, true],
    ['Edm.Double', '1.5', true],
    ['Edm.Double', 'INF', true],
    ['Edm.DateTimeOffset', '2009-03-14T09:26:53Z', true],
    ['Edm.DateTimeOffset', '2009-03-14T09:26:53.1234567+01:00', true],
    ['Edm.DateTimeOffset', '2009-03-14T09:26:53', false],
    ['Edm.DateTimeOffset', '2009-02-30T09:26:53Z', false],
    ['Edm.Date', '2009-03-14', true],
    ['Edm.Date', '14/03/2009', false],
    ['Edm.TimeOfDay', '08:30:00.0000000', true],
    ['Edm.TimeOfDay', '24:00:00', false],
    ['Edm.Guid', '4b9405b0-7788-4568-add1-99614e613b69', true],
    ['Edm.Guid', '{4B9405B0-7788-4568-ADD1-99614E613B69}', true],
    ['Edm.Guid', 'x', false],
    ['Edm.Binary', 'aGVsbG8=', true],
    ['Edm.Binary', 'aGVsbG8', false],
    ['Edm.Duration', 'PT1H30M', true],
    ['Edm.Duration', 'P', false],
  ])('%s %j → %s', (type, value, valid) => {
    expect(checkPrimitiveValue(type, value, false).ok).toBe(valid);
  });

  test('an object where a scalar is expected is the wrong kind, not a conversion', () => {
    expect(checkPrimitiveValue('Edm.String', { a: 1 }, false)).toEqual({ ok: false, problem: 'wrongKind' });
  });
});

describe('checkEnumValue', () => {
  test.each<[readonly string[], boolean, unknown, boolean, boolean]>([
    [['text', 'html'], false, 'html', false, true],
    [['text', 'html'], false, 'HTML', true, true],
    [['text', 'html'], false, 'HTML', false, false],
    [['read', 'write'], true, 'read, write', false, true],
    [['read', 'write'], true, 'read,delete', false, false],
    [['text', 'html'], false, 1, false, false],
  ])('%j (flags %s) %j, ignoring case %s → %s', (members, isFlags, value, ignoreCase, valid) => {
    expect(checkEnumValue(members, isFlags, value, ignoreCase).ok).toBe(valid);
  });
});
