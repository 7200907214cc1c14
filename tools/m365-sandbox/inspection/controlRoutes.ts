import { z } from 'zod';
import { toUserJson } from '../directory/directoryRoutes';
import { faultRuleSchema } from '../faults/faultInjector';
import { parseJsonBody } from '../http/parseJsonBody';
import { Router } from '../http/router';
import type { M365SandboxControls } from '../sandboxControls';
import { exportMailboxMessage, listMailbox } from './mailboxInspector';
import { folderDeletionSchema, messageDeletionSchema, userFlagSchema } from './userActions';

const newUserSchema = z.object({
  userPrincipalName: z.string().min(3),
  displayName: z.string().optional(),
  mail: z.string().nullable().optional(),
  proxyAddresses: z.array(z.string()).optional(),
  licensed: z.boolean().optional(),
  usageLocation: z.string().nullable().optional(),
  onPremisesSyncEnabled: z.boolean().nullable().optional(),
  onPremisesExchangeGuid: z.string().uuid().nullable().optional(),
});

const organizationSchema = z.object({ displayName: z.string().optional(), onPremisesSyncEnabled: z.boolean().nullable().optional() });

/**
 * The sandbox's own HTTP API under `/_sandbox`, for a test or a process that did not start the sandbox:
 * the same inspection and controls as the M365Sandbox object. Not part of Graph, so it needs no token.
 */
export function createControlRouter(controls: M365SandboxControls): Router {
  const router = new Router();
  router.add('GET', '/_sandbox/health', () => ({ status: 200, json: { status: 'ok' } }));
  router.add('POST', '/_sandbox/users', (req) => ({ status: 201, json: toUserJson(controls.addUser(parseJsonBody(req, newUserSchema))) }));
  router.add('PATCH', '/_sandbox/organization', (req) => {
    controls.setOrganization(parseJsonBody(req, organizationSchema));
    return { status: 204 };
  });
  router.add('GET', '/_sandbox/mailboxes/:upn', (_req, p) => ({ status: 200, json: listMailbox(controls.store, p.upn!) }));
  router.add('GET', '/_sandbox/mailboxes/:upn/messages/:message/mime', (_req, p) => ({
    status: 200,
    raw: { contentType: 'message/rfc822', body: exportMailboxMessage(controls.store, p.upn!, p.message!) },
  }));
  // What the user does in Outlook (sandboxControls.ts): delete a folder, delete a message, flag or mark read.
  router.add('POST', '/_sandbox/mailboxes/:upn/folders/delete', (req, p) => {
    const { folder, permanently } = parseJsonBody(req, folderDeletionSchema);
    return { status: 200, json: controls.deleteFolderAsUser(p.upn!, folder, { permanently }) };
  });
  router.add('POST', '/_sandbox/mailboxes/:upn/messages/:message/delete', (req, p) => ({
    status: 200,
    json: controls.deleteMessageAsUser(p.upn!, p.message!, parseJsonBody(req, messageDeletionSchema)),
  }));
  router.add('PATCH', '/_sandbox/mailboxes/:upn/messages/:message', (req, p) => ({
    status: 200,
    json: controls.setMessageFlagAsUser(p.upn!, p.message!, parseJsonBody(req, userFlagSchema)),
  }));
  router.add('GET', '/_sandbox/meeting-messages', (req) => ({
    status: 200,
    json: { value: controls.sentMeetingMessages(req.query.get('from') ?? undefined) },
  }));
  router.add('PUT', '/_sandbox/latency', (req) => {
    controls.setLatency(parseJsonBody(req, z.object({ latencyMs: z.number().int().nonnegative() })).latencyMs);
    return { status: 204 };
  });
  router.add('PUT', '/_sandbox/app-permissions', (req) => {
    controls.setAppPermissions(parseJsonBody(req, z.object({ roles: z.array(z.string()).optional(), directoryRoles: z.array(z.string()).optional() })));
    return { status: 204 };
  });
  router.add('PUT', '/_sandbox/mailbox-provisioning-delay', (req) => {
    controls.setMailboxProvisioningDelay(parseJsonBody(req, z.object({ delayMs: z.number().int().nonnegative() })).delayMs);
    return { status: 204 };
  });
  router.add('POST', '/_sandbox/faults', (req) => ({ status: 201, json: { id: controls.addFault(parseJsonBody(req, faultRuleSchema)) } }));
  router.add('DELETE', '/_sandbox/faults', () => {
    controls.clearFaults();
    return { status: 204 };
  });
  return router;
}
