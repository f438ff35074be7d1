import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import { AppError } from '../platform/errors';

export interface ThrottleOptions {
  /** Password checks an account gets before each further one must wait. */
  freeAttempts: number;
  /** The first wait; it doubles with every further attempt, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wrong passwords one client address may send per window (all accounts together). */
  addressFailures: number;
  addressWindowMs: number;
}

export const SIGN_IN_THROTTLE: ThrottleOptions = { freeAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, addressFailures: 100, addressWindowMs: 15 * 60_000 };

/** How long an account waits before its next password check, after `attempts` checks without a success. */
export function backoffMs(attempts: number, o: Pick<ThrottleOptions, 'freeAttempts' | 'baseDelayMs' | 'maxDelayMs'> = SIGN_IN_THROTTLE): number {
  if (attempts < o.freeAttempts) return 0;
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(30, attempts - o.freeAttempts));
}

interface ThrottleRecord { _id: string; attempts: number; nextAllowedAt: Date; expiresAt: Date }

function throttles(connection: mongoose.Connection): mongoose.Model<ThrottleRecord> {
  return (connection.models.SignInThrottle as mongoose.Model<ThrottleRecord>) ?? connection.model<ThrottleRecord>('SignInThrottle', new Schema<ThrottleRecord>({
    _id: String, attempts: { type: Number, required: true }, nextAllowedAt: { type: Date, required: true }, expiresAt: { type: Date, required: true },
  }, { collection: 'sign_in_throttles', versionKey: false }));
}

const tooMany = (ms: number) => {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(429, 'rate_limited', `too many sign-in attempts; try again in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
};

/**
 * Password guessing, refused before the expensive password check, in the database so that every replica shares it.
 * Per account: every check is claimed (counted as failed until it succeeds) by a compare-and-set, so parallel guesses
 * cannot all slip through; after `freeAttempts`, each next check waits a doubling delay. Per client address: a wider
 * budget of wrong passwords per window, across accounts. Names and addresses are stored only as keyed hashes.
 */
export class SignInThrottle {
  readonly #records: mongoose.Model<ThrottleRecord>;
  readonly #key: Buffer;

  constructor(connection: mongoose.Connection, secret: Buffer, private readonly options: ThrottleOptions = SIGN_IN_THROTTLE,
    private readonly now: () => Date = () => new Date()) {
    this.#records = throttles(connection);
    this.#key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'luohu-sign-in-throttle', 32));
  }

  /** Claims one password check for `username` from `address`, or refuses with 429 + Retry-After. */
  async claim(username: string, address: string): Promise<void> {
    const at = this.now().getTime();
    const byAddress = await this.#records.findById(this.#addressId(address, at)).lean();
    if (byAddress && byAddress.attempts >= this.options.addressFailures) throw tooMany(byAddress.expiresAt.getTime() - at);
    const id = this.#accountId(username);
    const record = await this.#records.findById(id).lean();
    if (record && record.nextAllowedAt.getTime() > at) throw tooMany(record.nextAllowedAt.getTime() - at);
    const update = { $inc: { attempts: 1 }, $setOnInsert: { nextAllowedAt: new Date(at), expiresAt: new Date(at + 24 * 3_600_000) } };
    const bump = () => this.#records.findOneAndUpdate({ _id: id }, update, { upsert: true, returnDocument: 'after' }).lean();
    const claimed = await bump().catch((err) => ((err as { code?: number }).code === 11000 ? bump() : Promise.reject(err)));
    const attempts = claimed!.attempts;
    if (attempts < this.options.freeAttempts) return;
    // From here each check sets the next wait; of parallel guesses only the one that moves the wait forward proceeds.
    const wait = new Date(at + backoffMs(attempts, this.options));
    const moved = await this.#records.updateOne({ _id: id, nextAllowedAt: { $lte: new Date(at) } }, { $set: { nextAllowedAt: wait } });
    if (moved.modifiedCount !== 1) {
      const now = await this.#records.findById(id).lean();
      throw tooMany((now?.nextAllowedAt.getTime() ?? at + 1_000) - at);
    }
  }

  /** The claimed check succeeded: the account starts afresh. */
  async succeeded(username: string): Promise<void> {
    await this.#records.deleteOne({ _id: this.#accountId(username) });
  }

  /** The claimed check failed: it counts against the client address (the account counted it at the claim). */
  async failed(address: string): Promise<void> {
    const at = this.now().getTime();
    const windowStart = at - (at % this.options.addressWindowMs);
    const id = this.#addressId(address, at);
    const update = { $inc: { attempts: 1 }, $setOnInsert: { nextAllowedAt: new Date(at), expiresAt: new Date(windowStart + this.options.addressWindowMs) } };
    const bump = () => this.#records.updateOne({ _id: id }, update, { upsert: true });
    await bump().catch((err) => ((err as { code?: number }).code === 11000 ? bump() : Promise.reject(err)));
    if (Math.random() < 0.01) await this.#records.deleteMany({ expiresAt: { $lt: new Date(at) } }); // FerretDB v1 has no TTL indexes
  }

  #accountId(username: string): string {
    return `account:${crypto.createHmac('sha256', this.#key).update(username).digest('hex').slice(0, 32)}`;
  }

  #addressId(address: string, at: number): string {
    const windowStart = at - (at % this.options.addressWindowMs);
    return `address:${crypto.createHmac('sha256', this.#key).update(address).digest('hex').slice(0, 32)}:${windowStart}`;
  }
}
