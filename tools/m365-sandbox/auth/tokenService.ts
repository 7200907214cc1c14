import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const TOKEN_LIFETIME_SECONDS = 3599;

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  roles: string[];
  iat: number;
  nbf: number;
  exp: number;
  uti: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; message: string };

/**
 * Issues and checks the sandbox's access tokens: JWTs shaped like Entra ID's app-only Graph tokens
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference), signed with a key
 * only this sandbox holds (HS256, since nobody but the sandbox validates them).
 */
export class TokenService {
  private readonly key = randomBytes(32);

  constructor(
    private readonly tenantId: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(clientId: string, roles: string[]): { accessToken: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = {
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      tid: this.tenantId,
      appid: clientId,
      roles,
      iat,
      nbf: iat,
      exp: iat + TOKEN_LIFETIME_SECONDS,
      uti: randomUUID(),
    };
    const unsigned = `${encode({ typ: 'JWT', alg: 'HS256' })}.${encode(claims)}`;
    return { accessToken: `${unsigned}.${this.sign(unsigned)}`, expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  /** Messages follow what Graph answers for the same faults (code `InvalidAuthenticationToken`). */
  check(authorization: string | undefined): TokenCheck {
    if (!authorization) return { ok: false, message: 'Access token is empty.' };
    const match = /^Bearer (.+)$/i.exec(authorization.trim());
    if (!match) return { ok: false, message: 'Access token is empty.' };
    const parts = match[1]!.split('.');
    if (parts.length !== 3) return { ok: false, message: 'IDX14100: JWT is not well formed, there are no dots (.).' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]!);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { ok: false, message: 'Access token validation failure. Invalid audience or signature.' };
    }
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    if (claims.exp * 1000 <= this.now()) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    return { ok: true, claims };
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url');
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
