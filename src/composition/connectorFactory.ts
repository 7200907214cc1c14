import { readFileSync } from 'node:fs';
import type { AppConfig } from '../config';
import { ConfigError } from '../config';
import { cleartextLogin } from '../core/endpoint/cleartextLogin';
import type { MigrationEndpoint } from '../core/endpoint/migrationEndpoint';
import type { MigrationMailbox } from '../core/mailbox/migrationMailbox';
import { MigrationError } from '../core/errors/migrationError';
import { GraphTenant } from '../connectors/graph/graphTenant';
import { LdapDirectory } from '../connectors/ldap/ldapDirectory';
import type { OnPremisesDirectory } from '../services/ports/onPremisesDirectory';
import type { MailSource } from '../services/ports/mailSource';
import type { GroupwareTarget } from '../services/ports/groupwareTarget';
import type { ItemSource } from '../services/ports/itemSource';
import { DavItemSource } from '../connectors/dav/davItemSource';
import { expandDavUrl } from '../connectors/dav/davUrl';
import { toLoginName } from '../connectors/imap/toImapFlowOptions';
import { GraphGroupwareTarget } from '../connectors/graph/graphGroupwareTarget';
import type { MailboxCredentials, MigrationConnectors } from '../services/ports/migrationConnectors';
import type { Tenant } from '../services/ports/tenant';
import type { ImapLogin } from '../connectors/imap/imapConnection';
import { ImapMailSource } from '../connectors/imap/imapMailSource';
import { createGraphSession, type GraphSession } from '../connectors/graph/graphConnection';
import { GraphCopyTarget } from '../connectors/graph/graphCopyTarget';
import { OUTLOOK_LIMITS, type OutlookLimits } from '../connectors/graph/mailboxBudget';
import { ImapCopyTarget } from '../connectors/imap/imapCopyTarget';
import type { CopyTarget } from '../services/ports/copyTarget';

/**
 * Makes the connections a migration step needs, from the settings and the endpoint: the legacy
 * source, the target mailbox, the tenant (Graph) and the on-premises directory (LDAP). The only place
 * connectors are built; the services see it as their MigrationConnectors port.
 */
export class ConnectorFactory implements MigrationConnectors {
  private graphSession: GraphSession | undefined;

  constructor(private readonly config: AppConfig) {}

  async openSource(endpoint: MigrationEndpoint, mailbox: MigrationMailbox, credentials: MailboxCredentials): Promise<MailSource> {
    const source = new ImapMailSource(
      { host: endpoint.host, port: endpoint.port, security: endpoint.security, allowPlaintext: cleartextLogin(endpoint, this.config.cleartextHosts).allowed },
      sourceLogin(endpoint, mailbox, credentials),
    );
    await source.connect();
    return source;
  }

  async openTarget(mailbox: MigrationMailbox): Promise<CopyTarget> {
    const target = this.config.target;
    if (target.kind === 'graph') {
      if (!mailbox.targetUserId)
        throw new MigrationError('TargetUserUnknown', `The Microsoft 365 user of ${mailbox.emailAddress} is not known yet: the batch preflight finds it.`);
      return new GraphCopyTarget(this.graph(), mailbox.targetUserId);
    }
    const user = mailbox.userName ?? mailbox.emailAddress;
    const login: ImapLogin =
      target.adminUser && target.adminPassword
        ? {
            kind: 'admin',
            user,
            adminUser: target.adminUser,
            adminPassword: target.adminPassword,
            ...(target.adminLoginFormat ? { loginFormat: target.adminLoginFormat } : {}),
          }
        : { kind: 'password', user, password: target.password ?? '' };
    return ImapCopyTarget.connect({ host: target.host, port: target.port, security: target.security, allowPlaintext: target.allowPlaintext }, login);
  }

  /**
   * The mailbox's address books and calendars over CalDAV/CardDAV, with the same login as its mail: the
   * row's own password, or the endpoint's admin account acting for the user in the endpoint's login format.
   */
  openItemSource(endpoint: MigrationEndpoint, mailbox: MigrationMailbox, credentials: MailboxCredentials): ItemSource {
    if (!endpoint.davUrl) throw new MigrationError('DavUrlMissing', `The endpoint "${endpoint.name}" names no DAV URL: only mail moves.`, 'permanent');
    const login = sourceLogin(endpoint, mailbox, credentials);
    if (login.kind === 'oauth2')
      throw new MigrationError('DavLoginUnsupported', 'Contacts and calendars need a password login at the DAV server.', 'permanent');
    const url = expandDavUrl(endpoint.davUrl, login.user);
    // Plain HTTP sends the password in the clear: allowed, as for IMAP, only to a host the administrator named.
    if (url.protocol === 'http:' && !this.config.cleartextHosts.includes(url.hostname.replace(/^\[|\]$/g, '').toLowerCase())) {
      throw new MigrationError(
        'DavCleartextRefused',
        `${url.host} is reached over plain HTTP and is not in MIGRATION_ALLOW_CLEARTEXT_HOSTS: use https.`,
        'permanent',
      );
    }
    return new DavItemSource({
      url: url.toString(),
      credentials: { username: toLoginName(login), password: login.kind === 'password' ? login.password : login.adminPassword },
    });
  }

  /** Contacts and calendars go to Microsoft 365 only: an IMAP target has none. */
  groupwareTarget(mailbox: MigrationMailbox): GroupwareTarget | undefined {
    if (this.config.target.kind !== 'graph' || !mailbox.targetUserId) return undefined;
    return new GraphGroupwareTarget(this.graph(), mailbox.targetUserId);
  }

  /** The tenant, when the target is Microsoft 365. */
  tenant(): Tenant | undefined {
    return this.config.graph ? new GraphTenant(this.graph()) : undefined;
  }

  directory(): OnPremisesDirectory | undefined {
    const ldap = this.config.onPremisesDirectory;
    if (!ldap) return undefined;
    return new LdapDirectory({
      url: ldap.url,
      bindDn: ldap.bindDn,
      bindPassword: ldap.bindPassword,
      baseDn: ldap.baseDn,
      ...(ldap.caCertificateFile ? { caCertificatePem: readFileSync(ldap.caCertificateFile, 'utf8') } : {}),
    });
  }

  private graph(): GraphSession {
    const graph = this.config.graph;
    if (!graph) throw new ConfigError('GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET are needed to reach Microsoft 365.');
    this.graphSession ??= createGraphSession({
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      ...(graph.baseUrl ? { baseUrl: graph.baseUrl } : {}),
      ...(graph.authorityHost ? { authorityHost: graph.authorityHost } : {}),
      ...(graph.caCertificateFile ? { caCertificatePem: readFileSync(graph.caCertificateFile, 'utf8') } : {}),
      limits: toOutlookLimits(this.config.graphLimits),
    });
    return this.graphSession;
  }
}

function toOutlookLimits(limits: AppConfig['graphLimits']): OutlookLimits {
  return {
    ...OUTLOOK_LIMITS,
    requestsPerWindow: limits.requestsPerWindow,
    requestWindowMs: limits.requestWindowSeconds * 1000,
    uploadBytesPerWindow: limits.uploadMbPerWindow * 1024 * 1024,
    uploadWindowMs: limits.uploadWindowSeconds * 1000,
  };
}

/**
 * The login for one mailbox: the endpoint's admin account acting for the user (staged migration
 * from Exchange; IMAP admin or master user), or the row's own user name and password (IMAP CSV).
 */
function sourceLogin(endpoint: MigrationEndpoint, mailbox: MigrationMailbox, credentials: MailboxCredentials): ImapLogin {
  const user = mailbox.userName ?? mailbox.emailAddress;
  if (credentials.rowPassword) return { kind: 'password', user, password: credentials.rowPassword };
  if (endpoint.adminUserName && credentials.endpointPassword) {
    return {
      kind: 'admin',
      user,
      adminUser: endpoint.adminUserName,
      adminPassword: credentials.endpointPassword,
      ...(endpoint.adminLoginFormat ? { loginFormat: endpoint.adminLoginFormat } : {}),
    };
  }
  throw new MigrationError(
    'SourceCredentialsMissing',
    `No way to log in to ${mailbox.emailAddress} at the source: the endpoint has no admin account and password, and the CSV row no password.`,
  );
}
