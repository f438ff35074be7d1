import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import { AppError } from '../platform/errors';

/** How hard sign-in is throttled, per account and per client address. */
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

export const SIGN_IN_THROTTLE: ThrottleOptions = {
  freeAttempts: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  addressFailures: 200,
  addressWindowMs: 15 * 60_000,
};

/** How long an account waits before its next password check, after `attempts` checks without a success. */
export function backoffMs(
  attempts: number,
  o: Pick<ThrottleOptions, 'freeAttempts' | 'baseDelayMs' | 'maxDelayMs'> = SIGN_IN_THROTTLE,
): number {
  if (attempts < o.freeAttempts) return 0;
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(30, attempts - o.freeAttempts));
}

interface ThrottleRecord {
  _id: string;
  attempts: number;
  nextAllowedAt: Date;
  expiresAt: Date;
  generation?: string;
}

const DAY_MS = 24 * 3_600_000;

function throttles(connection: mongoose.Connection): mongoose.Model<ThrottleRecord> {
  return (
    (connection.models.SignInThrottle as mongoose.Model<ThrottleRecord>) ??
    connection.model<ThrottleRecord>(
      'SignInThrottle',
      new Schema<ThrottleRecord>(
        {
          _id: String,
          attempts: { type: Number, required: true },
          nextAllowedAt: { type: Date, required: true },
          expiresAt: { type: Date, required: true },
          generation: String,
        },
        { collection: 'sign_in_throttles', versionKey: false },
      ),
    )
  );
}

const tooMany = (ms: number) => {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(429, 'rate_limited', `too many sign-in attempts; try again in ${retryAfter} s`, undefined, {
    'Retry-After': String(retryAfter),
  });
};

/**
 * Password guessing, refused before the expensive password check, in the database so that every replica shares it.
 * Per account: every check is claimed (counted as failed until it succeeds) by taking a numbered ticket, so parallel
 * guesses cannot all slip through; after `freeAttempts`, each next check waits a doubling delay. Per client address: a wider
 * budget of wrong passwords per window, across accounts. Names and addresses are stored only as keyed hashes.
 */
export class SignInThrottle {
  readonly #records: mongoose.Model<ThrottleRecord>;
  readonly #key: Buffer;

  constructor(
    connection: mongoose.Connection,
    secret: Buffer,
    private readonly options: ThrottleOptions = SIGN_IN_THROTTLE,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#records = throttles(connection);
    this.#key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'luohu-sign-in-throttle', 32));
  }

  /** Claims one password check for `username` from `address`, or refuses with 429 + Retry-After. */
  async claim(username: string, address: string): Promise<void> {
    const at = this.now().getTime();
    const byAddress = await this.#records.findById(this.#addressId(address, at)).lean();
    if (byAddress && byAddress.attempts >= this.options.addressFailures)
      throw tooMany(byAddress.expiresAt.getTime() - at);
    const id = this.#accountId(username);
    const record = await this.#account(id, at);
    if (record.nextAllowedAt.getTime() > at) throw tooMany(record.nextAllowedAt.getTime() - at);
    // Each check takes a numbered ticket by inserting it (a unique _id: the one write FerretDB makes atomic). Within the
    // free attempts a taken number just means "try the next"; beyond them, of parallel guesses only one gets through.
    for (let n = record.attempts + 1; ; n++) {
      const ticket = {
        _id: `${id}#${record.generation}#${n}`,
        attempts: n,
        nextAllowedAt: new Date(at),
        expiresAt: new Date(at + DAY_MS),
        generation: '',
      };
      if (
        await this.#records.create(ticket).then(
          () => true,
          (err) => ((err as { code?: number }).code === 11000 ? false : Promise.reject(err)),
        )
      ) {
        await this.#records.updateOne(
          { _id: id },
          { $max: { attempts: n, nextAllowedAt: new Date(at + backoffMs(n, this.options)) } },
        );
        return;
      }
      if (n >= this.options.freeAttempts) throw tooMany(backoffMs(n, this.options));
    }
  }

  /** The claimed check succeeded: the account starts afresh (a new generation of tickets). */
  async succeeded(username: string): Promise<void> {
    const id = this.#accountId(username);
    await this.#records.deleteOne({ _id: id });
    await this.#records.deleteMany({ _id: { $regex: `^${id}#` } });
  }

  async #account(id: string, at: number): Promise<ThrottleRecord> {
    for (;;) {
      const found = await this.#records.findById(id).lean();
      if (found) return found;
      const fresh = {
        _id: id,
        attempts: 0,
        nextAllowedAt: new Date(at),
        expiresAt: new Date(at + DAY_MS),
        generation: crypto.randomUUID(),
      };
      const created = await this.#records.create(fresh).then(
        () => true,
        (err) => ((err as { code?: number }).code === 11000 ? false : Promise.reject(err)),
      );
      if (created) return fresh;
    }
  }

  /** The claimed check failed: it counts against the client address (the account counted it at the claim). */
  async failed(address: string): Promise<void> {
    const at = this.now().getTime();
    const windowStart = at - (at % this.options.addressWindowMs);
    const id = this.#addressId(address, at);
    const update = {
      $inc: { attempts: 1 },
      $setOnInsert: { nextAllowedAt: new Date(at), expiresAt: new Date(windowStart + this.options.addressWindowMs) },
    };
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
