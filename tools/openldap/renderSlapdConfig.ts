import { join } from 'node:path';

export interface SlapdConfigInput {
  /** The temporary folder that holds the config, the pid file and the database. */
  root: string;
  /** Full path of the Active Directory / Exchange schema slice. */
  schemaPath: string;
  baseDn: string;
  rootDn: string;
  rootPassword: string;
  /** The account the connector binds as: reads everything, writes only under `writableDn`. */
  serviceDn: string;
  writableDn: string;
  tls?: { certPath: string; keyPath: string };
}

const DEBIAN_SCHEMA_DIR = '/etc/ldap/schema';
const DEBIAN_MODULE_DIR = '/usr/lib/ldap';

/**
 * A slapd.conf for one private, throw-away directory. slapd.conf rather than cn=config because
 * it is one readable file and nothing in the tests changes the configuration at run time.
 * `dbnosync` trades durability for speed: the database lives only as long as the test.
 */
export function renderSlapdConfig(input: SlapdConfigInput): string {
  const quote = (value: string): string => `"${value.replace(/(["\\])/g, '\\$1')}"`;
  const lines = [
    `include ${DEBIAN_SCHEMA_DIR}/core.schema`,
    `include ${DEBIAN_SCHEMA_DIR}/cosine.schema`,
    `include ${DEBIAN_SCHEMA_DIR}/inetorgperson.schema`,
    `include ${quote(input.schemaPath)}`,
    `pidfile ${quote(join(input.root, 'slapd.pid'))}`,
    `argsfile ${quote(join(input.root, 'slapd.args'))}`,
    `modulepath ${DEBIAN_MODULE_DIR}`,
    'moduleload back_mdb',
    ...(input.tls ? [`TLSCertificateFile ${quote(input.tls.certPath)}`, `TLSCertificateKeyFile ${quote(input.tls.keyPath)}`] : []),
    'database mdb',
    'maxsize 67108864',
    `suffix ${quote(input.baseDn)}`,
    `rootdn ${quote(input.rootDn)}`,
    `rootpw ${quote(input.rootPassword)}`,
    `directory ${quote(join(input.root, 'db'))}`,
    'dbnosync',
    'index objectClass eq',
    // The connector's lookup filter: (|(mail=...)(proxyAddresses=SMTP:...)).
    'index mail,proxyAddresses eq',
    // Least privilege, as a real migration service account would get: it may not read passwords,
    // may change only the user container, and may read the rest (to search from the base DN).
    'access to attrs=userPassword by anonymous auth by * none',
    `access to dn.subtree=${quote(input.writableDn)} by dn.exact=${quote(input.serviceDn)} write by * none`,
    `access to * by dn.exact=${quote(input.serviceDn)} read by * none`,
  ];
  return `${lines.join('\n')}\n`;
}
