import { z } from 'zod';
import { DEFAULT_MAILBOX_BUDGET_PER_10_MIN, DEFAULT_UPLOAD_BYTES_PER_5_MIN } from './throttling/mailboxThrottle';

export const sandboxOptionsSchema = z.object({
  /** 0 (default) picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  /** https with a CA the sandbox makes (default); MSAL and the Graph client need it, plain http serves only raw HTTP clients. */
  https: z.boolean().default(true),
  latencyMs: z.number().int().nonnegative().default(0),
  mailboxRequestBudgetPer10Min: z.number().int().positive().default(DEFAULT_MAILBOX_BUDGET_PER_10_MIN),
  /** Bytes of request bodies one mailbox accepts per 5 minutes (Outlook: 150 MB). */
  mailboxUploadBytesPer5Min: z.number().int().positive().default(DEFAULT_UPLOAD_BYTES_PER_5_MIN),
  /**
   * How long after an Exchange licence is assigned the mailbox appears. In Exchange Online this takes
   * minutes, and mail calls fail with MailboxNotEnabledForRESTAPI meanwhile; default 0 (at once).
   */
  mailboxProvisioningDelayMs: z.number().int().nonnegative().default(0),
  /** Folder to keep the tenant in across restarts; omitted keeps it in memory only. */
  persistDir: z.string().optional(),
  /** Seed for rate-based faults, so a run repeats exactly. */
  faultSeed: z.number().int().default(0x5eed),
  tenant: z.object({
    tenantId: z.string().uuid().optional(),
    clientId: z.string().uuid().optional(),
    clientSecret: z.string().min(8).optional(),
    displayName: z.string().optional(),
    /** The default domain; users' UPNs usually end with it. */
    domain: z.string().default('contoso.onmicrosoft.com'),
    onPremisesSyncEnabled: z.boolean().nullable().default(true),
  }).default({ domain: 'contoso.onmicrosoft.com', onPremisesSyncEnabled: true }),
});

export type M365SandboxOptions = z.input<typeof sandboxOptionsSchema>;
