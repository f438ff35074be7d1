import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

// scrypt N=2^15, r=8, p=1: ~60-100 ms and 32 MiB per guess on this machine class, as OWASP recommends for scrypt.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(N), r: Number(r), p: Number(p), maxmem: COST.maxmem });
  return crypto.timingSafeEqual(actual, expected);
}

/** Users' private keys at rest: AES-256-GCM under the gateway's key-encryption key, bound to the user by AAD. */
export class KeyVault {
  constructor(private readonly kek: Buffer) {}

  seal(userId: string, privateKeyPem: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(Buffer.from(userId));
    const ciphertext = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
  }

  open(userId: string, sealed: string): crypto.KeyObject {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1') throw new Error(`unknown key format ${version}`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.kek, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const pem = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    return crypto.createPrivateKey(pem);
  }
}

export const newToken = () => crypto.randomBytes(32).toString('base64url');
export const tokenId = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
