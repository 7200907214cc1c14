import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppRegistration, createLoginRouter } from './auth/loginRoutes';
import { TokenService } from './auth/tokenService';
import { addBatchRoute } from './batch/batchRoute';
import { FaultInjector, type FaultRuleInput } from './faults/faultInjector';
import { RequestGate, type RequestHold } from './faults/requestGate';
import { createGraphRouter } from './graphRoutes';
import { GraphPipeline, type PipelineControls } from './http/graphPipeline';
import { createSandboxServer } from './http/sandboxServer';
import { createControlRouter } from './inspection/controlRoutes';
import { exportMailboxMessage, listMailbox, type MailboxSnapshot } from './inspection/mailboxInspector';
import { deleteFolderAsUser, deleteMessageByUser, setMessageFlagAsUser } from './inspection/userActions';
import { createUploadRouter } from './mail/uploadSessionRoutes';
import { sentMeetingMessages } from './pim/meetingMessages';
import type { M365SandboxControls } from './sandboxControls';
import { type M365SandboxOptions, sandboxOptionsSchema } from './sandboxOptions';
import { loadSavedSandbox, StateSaver } from './store/statePersistence';
import { emptyTenantState, type NewUser, TenantStore } from './store/tenantStore';
import type { UserRecord } from './store/types';
import { MailboxThrottle } from './throttling/mailboxThrottle';
import { createCertificates } from './tls/createCertificates';

export interface M365Sandbox extends M365SandboxControls {
  /** `https://127.0.0.1:PORT`: the Graph client's `baseUrl` (it appends `v1.0` itself). */
  origin: string;
  /** `https://127.0.0.1:PORT/v1.0`: give it to the Graph client as `baseUrl`. */
  graphBaseUrl: string;
  /** `https://127.0.0.1:PORT`: give it to `ClientSecretCredential` as `authorityHost`. */
  authorityHost: string;
  /** The host to list in the Graph client's `customHosts`, or it sends no token. */
  graphHost: string;
  port: number;
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  /** The CA that signed the server certificate (https only): trust it via `tlsOptions.ca` or `NODE_EXTRA_CA_CERTS`. */
  caCertificatePem: string | undefined;
  listMailbox(userPrincipalName: string): MailboxSnapshot;
  exportMessageMime(userPrincipalName: string, messageId: string): Buffer;
  setMailboxRequestBudget(requestsPer10Min: number): void;
  /** Holds Graph requests whose path matches (a regular expression) until `release()`, keeping their mailbox slots. */
  holdRequests(pathPattern: string): RequestHold;
  /** Whether `candidate` is the password last set on the user through passwordProfile (only a hash is kept). */
  passwordMatches(idOrUpn: string, candidate: string): boolean;
  stop(): Promise<void>;
}

/** Starts a local Microsoft 365 tenant that answers the Graph v1.0 requests the migration service makes. */
export async function startM365Sandbox(input: M365SandboxOptions = {}): Promise<M365Sandbox> {
  const options = sandboxOptionsSchema.parse(input);
  const saved = options.persistDir ? loadSavedSandbox(options.persistDir) : undefined;
  const tenantId = saved?.tenantId ?? options.tenant.tenantId ?? randomUUID();
  const clientId = saved?.clientId ?? options.tenant.clientId ?? randomUUID();
  const clientSecret = saved?.clientSecret ?? options.tenant.clientSecret ?? randomBytes(24).toString('base64url');
  const store = new TenantStore(
    saved?.state ??
      emptyTenantState(tenantId, {
        displayName: options.tenant.displayName,
        onPremisesSyncEnabled: options.tenant.onPremisesSyncEnabled,
        verifiedDomains: [options.tenant.domain],
        countryLetterCode: options.tenant.countryLetterCode,
      }),
    options.mailboxProvisioningDelayMs,
  );
  store.maxMessageBytes = options.maxMessageSizeMb * 1024 * 1024;
  const tokens = new TokenService(tenantId);
  const throttle = new MailboxThrottle(options.mailboxRequestBudgetPer10Min, Date.now, options.mailboxUploadBytesPer5Min, {
    requestWindowMs: options.requestWindowMs,
    uploadWindowMs: options.uploadWindowMs,
  });
  const faults = new FaultInjector(options.faultSeed);
  const pipelineControls: PipelineControls = { latencyMs: options.latencyMs };
  const gate = new RequestGate();
  let origin = '';

  const graphRouter = createGraphRouter(store, () => origin);
  const pipeline = new GraphPipeline(graphRouter, store, throttle, faults, pipelineControls, gate);
  addBatchRoute(graphRouter, pipeline);

  const controls: M365SandboxControls = {
    store,
    addUser: (user: NewUser): UserRecord => store.addUser(user),
    setOrganization: (organization) => {
      Object.assign(store.state.organization, organization);
      store.changed();
    },
    setLatency: (latencyMs: number) => {
      pipelineControls.latencyMs = latencyMs;
    },
    setMailboxProvisioningDelay: (delayMs: number) => {
      store.mailboxProvisioningDelayMs = delayMs;
    },
    addFault: (rule: FaultRuleInput) => faults.add(rule),
    faultHits: (id: number) => faults.hits(id),
    clearFaults: () => faults.clear(),
    setAppPermissions: (permissions) => {
      if (permissions.roles) app.roles = [...permissions.roles];
      if (permissions.directoryRoles) app.directoryRoles = [...permissions.directoryRoles];
    },
    deleteFolderAsUser: (upn, folder, deleteOptions) => deleteFolderAsUser(store, upn, folder, deleteOptions),
    deleteMessageAsUser: (upn, messageId, deleteOptions) => deleteMessageByUser(store, upn, messageId, deleteOptions),
    setMessageFlagAsUser: (upn, messageId, change) => setMessageFlagAsUser(store, upn, messageId, change),
    sentMeetingMessages: (sender) => sentMeetingMessages(store, sender),
  };
  const app: AppRegistration = {
    tenantId,
    tenantDomain: store.state.organization.verifiedDomains[0] ?? options.tenant.domain,
    clientId,
    clientSecret,
    roles: [...options.app.roles],
    directoryRoles: [...options.app.directoryRoles],
  };
  const certificates = options.https ? await createCertificates() : undefined;
  const server = createSandboxServer(
    {
      tokens,
      pipeline,
      uploadRouter: createUploadRouter(store),
      controlRouter: createControlRouter(controls),
      loginRouter: createLoginRouter(app, tokens, () => origin),
      directoryRoles: () => app.directoryRoles,
      origin: () => origin,
    },
    certificates && { cert: certificates.serverCertificatePem, key: certificates.serverKeyPem },
  );

  const port = await listen(server, options.port);
  origin = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const saver = options.persistDir ? new StateSaver(options.persistDir, () => ({ tenantId, clientId, clientSecret, state: store.state })) : undefined;
  if (saver) {
    store.onChange = () => saver.schedule();
    saver.flush();
  }

  return {
    ...controls,
    origin,
    graphBaseUrl: `${origin}/v1.0`,
    authorityHost: origin,
    graphHost: '127.0.0.1',
    port,
    tenantId,
    tenantDomain: app.tenantDomain,
    clientId,
    clientSecret,
    caCertificatePem: certificates?.caCertificatePem,
    listMailbox: (upn) => listMailbox(store, upn),
    exportMessageMime: (upn, messageId) => exportMailboxMessage(store, upn, messageId),
    setMailboxRequestBudget: (requests) => {
      throttle.budgetPer10Min = requests;
      throttle.reset();
    },
    holdRequests: (pathPattern) => gate.hold(pathPattern),
    passwordMatches: (idOrUpn, candidate) => store.findUser(idOrUpn).passwordProfile?.passwordSha256 === createHash('sha256').update(candidate).digest('hex'),
    stop: async () => {
      gate.releaseAll();
      saver?.flush();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
