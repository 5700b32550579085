/**
 * RS256 JWTs signed with a per-data-folder RSA key (node:crypto only). The key persists so tokens a client
 * cached before an emulator restart still verify afterwards, as they would against Entra ID.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface JwtClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  [claim: string]: unknown;
}

export type VerifyResult =
  { ok: true; claims: JwtClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid'; claims?: JwtClaims };

export class TokenSigner {
  readonly kid: string;
  private readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;

  constructor(keyDir: string) {
    const keyPath = path.join(keyDir, 'token-signing-key.pem');
    fs.mkdirSync(keyDir, { recursive: true });
    if (!fs.existsSync(keyPath)) {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      fs.writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.privateKey = crypto.createPrivateKey(fs.readFileSync(keyPath, 'utf8'));
    this.publicKey = crypto.createPublicKey(this.privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = crypto.createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  sign(claims: JwtClaims): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const input = `${b64json(header)}.${b64json(claims)}`;
    const signature = crypto.sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): VerifyResult {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    let claims: JwtClaims;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'RS256') return { ok: false, reason: 'malformed' };
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const valid = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
    if (!valid) return { ok: false, reason: 'bad-signature' };
    // Five minutes of clock skew, like Entra-protected services allow.
    if (typeof claims.exp !== 'number' || claims.exp + 300 < nowSeconds) return { ok: false, reason: 'expired', claims };
    if (typeof claims.nbf === 'number' && claims.nbf - 300 > nowSeconds) return { ok: false, reason: 'not-yet-valid', claims };
    return { ok: true, claims };
  }

  /** The public key as a JWK set, served at the discovery document's `jwks_uri`. */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256', kty: 'RSA' }] };
  }
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
