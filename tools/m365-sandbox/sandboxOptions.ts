import { z } from 'zod';
import { DEFAULT_MAILBOX_BUDGET_PER_10_MIN, DEFAULT_UPLOAD_BYTES_PER_5_MIN } from './throttling/mailboxThrottle';

/** The application permissions the migration service needs (README, "Permissions"). */
export const DEFAULT_APP_ROLES = ['Mail.ReadWrite', 'Mail.Send', 'Contacts.ReadWrite', 'Calendars.ReadWrite', 'User.ReadWrite.All', 'Organization.Read.All'];

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
   * How long after an Exchange licence is assigned the mailbox appears. In Exchange Online this is
   * typically under 30 minutes and can be up to 24 hours, and mail calls fail with
   * MailboxNotEnabledForRESTAPI meanwhile; default 0 (at once) so tests need not wait.
   */
  mailboxProvisioningDelayMs: z.number().int().nonnegative().default(0),
  /**
   * The app registration's application permissions (admin-consented; they become each token's `roles`)
   * and its service principal's directory roles. The defaults are what the migration service needs
   * (see the README's permission list); tests take some away to see the refusals.
   */
  app: z
    .object({
      roles: z.array(z.string()).default(DEFAULT_APP_ROLES),
      directoryRoles: z.array(z.string()).default(['User Administrator']),
    })
    .default({ roles: DEFAULT_APP_ROLES, directoryRoles: ['User Administrator'] }),
  /** The tenant's maximum message size in MB (Exchange Online: 35 by default, 1 to 150). */
  maxMessageSizeMb: z.number().int().min(1).max(150).default(35),
  /** Length of Outlook's request and upload windows (10 and 5 minutes); shortened only so a test or benchmark sees them reset. */
  requestWindowMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  uploadWindowMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
  /** Folder to keep the tenant in across restarts; omitted keeps it in memory only. */
  persistDir: z.string().optional(),
  /** Seed for rate-based faults, so a run repeats exactly. */
  faultSeed: z.number().int().default(0x5eed),
  tenant: z
    .object({
      tenantId: z.string().uuid().optional(),
      clientId: z.string().uuid().optional(),
      clientSecret: z.string().min(8).optional(),
      displayName: z.string().optional(),
      /** The default domain; users' UPNs usually end with it. */
      domain: z.string().default('contoso.onmicrosoft.com'),
      onPremisesSyncEnabled: z.boolean().nullable().default(true),
      /** organization.countryLetterCode: the tenant's country, a usageLocation of last resort. */
      countryLetterCode: z.string().length(2).default('US'),
    })
    .default({ domain: 'contoso.onmicrosoft.com', onPremisesSyncEnabled: true, countryLetterCode: 'US' }),
});

export type M365SandboxOptions = z.input<typeof sandboxOptionsSchema>;
