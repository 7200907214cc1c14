import { z } from 'zod';

const recipient = z.object({ emailAddress: z.object({ name: z.string().optional(), address: z.string() }) });
const extendedProperty = z.object({ id: z.string().min(1), value: z.string() });

export const flagSchema = z.object({
  flagStatus: z.enum(['notFlagged', 'flagged', 'complete']),
  startDateTime: z.object({ dateTime: z.string(), timeZone: z.string() }).optional(),
  dueDateTime: z.object({ dateTime: z.string(), timeZone: z.string() }).optional(),
  completedDateTime: z.object({ dateTime: z.string(), timeZone: z.string() }).optional(),
});

export const fileAttachmentSchema = z.object({
  '@odata.type': z.string().refine((type) => type.toLowerCase() === '#microsoft.graph.fileattachment', {
    message: "only '#microsoft.graph.fileAttachment' is supported",
  }),
  name: z.string().min(1),
  contentType: z.string().default('application/octet-stream'),
  contentBytes: z.string(),
  isInline: z.boolean().default(false),
  contentId: z.string().nullish(),
});

/** Properties a client may send when creating a message; read-only ones (receivedDateTime, ...) are ignored as Exchange ignores them. */
export const createMessageSchema = z.object({
  subject: z.string().default(''),
  body: z.object({ contentType: z.string().transform((type) => (type.toLowerCase() === 'html' ? 'html' : 'text')), content: z.string() }).optional(),
  from: recipient.nullish(),
  sender: recipient.nullish(),
  toRecipients: z.array(recipient).default([]),
  ccRecipients: z.array(recipient).default([]),
  bccRecipients: z.array(recipient).default([]),
  replyTo: z.array(recipient).default([]),
  importance: z
    .string()
    .transform((value) => value.toLowerCase() as 'low' | 'normal' | 'high')
    .pipe(z.enum(['low', 'normal', 'high']))
    .default('normal'),
  isRead: z.boolean().optional(),
  flag: flagSchema.optional(),
  categories: z.array(z.string()).default([]),
  internetMessageId: z.string().optional(),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  singleValueExtendedProperties: z.array(extendedProperty).default([]),
  attachments: z.array(fileAttachmentSchema).default([]),
});

export type CreateMessageInput = z.infer<typeof createMessageSchema>;

export const updateMessageSchema = z.object({
  isRead: z.boolean().optional(),
  flag: flagSchema.optional(),
  categories: z.array(z.string()).optional(),
  importance: z.enum(['low', 'normal', 'high']).optional(),
  subject: z.string().optional(),
  body: createMessageSchema.shape.body,
  toRecipients: z.array(recipient).optional(),
  ccRecipients: z.array(recipient).optional(),
  bccRecipients: z.array(recipient).optional(),
  singleValueExtendedProperties: z.array(extendedProperty).optional(),
});

/** Message properties Graph defines but a client cannot set; sent on create they are ignored, not refused. */
export const READ_ONLY_MESSAGE_PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'bodyPreview',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isDraft',
  'webLink',
  'uniqueBody',
  'inferenceClassification',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'multiValueExtendedProperties',
  'extensions',
  'mentionsPreview',
];
