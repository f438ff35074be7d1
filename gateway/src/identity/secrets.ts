import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

// scrypt N=2^15, r=8, p=1: ~60-100 ms and 32 MiB per guess on this machine class, as OWASP recommends for scrypt.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * A password's scrypt hash with a fresh salt, self-describing ("scrypt$N$r$p$salt$hash") so that its cost can change.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether the password matches a stored hash, compared in constant time; at most two checks run at once. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptSlots.run(() =>
    scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(N),
      r: Number(r),
      p: Number(p),
      maxmem: COST.maxmem,
    }),
  );
  return crypto.timingSafeEqual(actual, expected);
}

/** At most this many password checks at once per process (each ~32 MiB and a core for ~80 ms); the rest wait their turn. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(count: number) {
    this.#free = count;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
const scryptSlots = new Slots(2);

/**
 * Session tokens that a database writer cannot mint: the token is a random session id followed by a MAC, under the
 * gateway's session key, of the id, the user and the expiry that the session row must repeat. Inserting or editing a
 * `sessions` row without the key gains nothing.
 */
export class SessionTokens {
  static readonly ID_LENGTH = 43; // 32 random bytes, base64url

  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('the session MAC key must have at least 32 bytes');
  }

  issue(username: string, expiresAt: Date): { token: string; sessionId: string } {
    const id = newToken();
    return { token: id + this.#mac(id, username, expiresAt), sessionId: sessionIdOf(id) };
  }

  /** The session row id the token names (undefined for a token of the wrong shape). */
  sessionId(token: string): string | undefined {
    return token.length === SessionTokens.ID_LENGTH * 2
      ? sessionIdOf(token.slice(0, SessionTokens.ID_LENGTH))
      : undefined;
  }

  /** Whether the token's MAC covers exactly this user and expiry (constant time). */
  verify(token: string, username: string, expiresAt: Date): boolean {
    const expected = Buffer.from(this.#mac(token.slice(0, SessionTokens.ID_LENGTH), username, expiresAt));
    const given = Buffer.from(token.slice(SessionTokens.ID_LENGTH));
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  #mac(id: string, username: string, expiresAt: Date): string {
    return crypto
      .createHmac('sha256', this.key)
      .update(`luohu-session-v1\0${id}\0${username}\0${expiresAt.getTime()}`)
      .digest('base64url');
  }
}

// The row is keyed by a hash of the id: a leaked database does not leak usable session ids.
const sessionIdOf = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

/** Users' private keys at rest: AES-256-GCM under the gateway's key-encryption key, bound to the user by AAD. */
export class KeyVault {
  constructor(private readonly kek: Buffer) {}

  seal(userId: string, privateKeyPem: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(Buffer.from(userId));
    const ciphertext = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(
      '.',
    );
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

/** 256 random bits, base64url: session ids, and passwords nobody is meant to know. */
export const newToken = () => crypto.randomBytes(32).toString('base64url');
