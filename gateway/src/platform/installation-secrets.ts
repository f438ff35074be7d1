import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets of one installation (session MAC key, bank callback secret, key-encryption key…). None has a default in the
 * source: the operator provides one, or the first start generates it and keeps it with the network's data in
 * `<networkDir>/secrets/<name>` (directory 0700, file 0600), so every replica of the same installation reads the same
 * value and another installation never shares it.
 */
export class InstallationSecrets {
  constructor(private readonly networkDir: string) {}

  /** The secret `name`: `provided` if set (validated by the caller), else the kept one, generated on first use. */
  get(name: string, provided?: string, bytes = 32): string {
    if (provided) return provided;
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`invalid secret name ${name}`);
    const dir = path.join(this.networkDir, 'secrets');
    // Only the secrets folder is private: the network dir keeps its own mode (its database runs as another user).
    fs.mkdirSync(this.networkDir, { recursive: true });
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const file = path.join(dir, name);
    try {
      // 'wx': two replicas starting at once cannot both write; the loser reads the winner's value below.
      fs.writeFileSync(file, crypto.randomBytes(bytes).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    const value = fs.readFileSync(file, 'utf8').trim();
    if (!value) throw new Error(`${file} is empty`);
    return value;
  }

  /** A key of `bytes` bytes derived for one purpose from the secret `name` (HKDF-SHA256), so one secret serves several uses apart. */
  key(name: string, purpose: string, provided?: string, bytes = 32): Buffer {
    return Buffer.from(
      crypto.hkdfSync('sha256', Buffer.from(this.get(name, provided)), Buffer.alloc(0), Buffer.from(purpose), bytes),
    );
  }
}

/** Where the bureau admins' generated initial password is kept (the gateway's config and `npm start`'s demo data read it). */
export const ADMIN_PASSWORD_SECRET = 'admin-password';
/** Where the operators' bearer token for /readyz and /metrics is kept. */
export const OPERATOR_TOKEN_SECRET = 'operator-token';
/** Passwords earlier versions of this project had in their source: public knowledge, refused outside tests. */
export const RETIRED_DEFAULT_PASSWORDS: readonly string[] = [
  'luohu-admin-dev-only',
  'luohu-demo-2026',
  'luohu-bank-callback-secret-dev-only',
];
