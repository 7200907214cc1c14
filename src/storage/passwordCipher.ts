import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets kept at rest (CSV passwords until provisioning, the local secret store).
 * The associated data binds a ciphertext to the row it belongs to, so a copied value does not
 * decrypt elsewhere. Output: base64 of iv | tag | ciphertext.
 */
export class PasswordCipher {
  private readonly key: Buffer;

  constructor(base64Key: string | undefined) {
    if (!base64Key) {
      throw new ConfigError(
        'The setting MIGRATION_ENCRYPTION_KEY is missing: it encrypts passwords at rest. ' +
          "Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"",
      );
    }
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new ConfigError(`MIGRATION_ENCRYPTION_KEY must be ${KEY_BYTES} bytes in base64; it decodes to ${key.length} bytes.`);
    }
    this.key = key;
  }

  encrypt(plainText: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(sealed: string, associatedData: string): string {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
