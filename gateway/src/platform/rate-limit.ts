import crypto from 'node:crypto';
import type { Request } from 'express';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import { AppError } from './errors';

/** The client address limits count by: behind the loopback proxy the gateway trusts, the one X-Forwarded-For names. */
export const clientAddress = (req: Request): string => req.ip ?? 'unknown';

/** At most `max` requests per client address in each window of `windowMs`. */
export interface RateLimitOptions {
  windowMs: number;
  max: number;
}

interface RateWindow {
  _id: string;
  count: number;
  expiresAt: Date;
}

function rateWindows(connection: mongoose.Connection): mongoose.Model<RateWindow> {
  return (
    (connection.models.RateWindow as mongoose.Model<RateWindow>) ??
    connection.model<RateWindow>(
      'RateWindow',
      new Schema<RateWindow>(
        {
          _id: String,
          count: { type: Number, required: true },
          expiresAt: { type: Date, required: true },
        },
        { collection: 'rate_windows', versionKey: false },
      ),
    )
  );
}

/**
 * Requests per client address to a public route (anonymous complaints, verify-by-upload): a fixed window counted in
 * the database, so that every gateway replica shares the count. Addresses are stored only as keyed hashes. Over the
 * limit → 429 with Retry-After, thrown before the route does anything.
 */
export class RateLimit {
  readonly #windows: mongoose.Model<RateWindow>;
  readonly #key: Buffer;
  #lastSweep = 0;

  /**
   * @param scope what is counted ('complaints', 'verification-uploads'): each scope has its own windows
   * @param secret the gateway's key-encryption key, from which the address-hashing key is derived
   * @param what the plural the 429 message names
   */
  constructor(
    connection: mongoose.Connection,
    private readonly scope: string,
    secret: Buffer,
    private readonly options: RateLimitOptions,
    private readonly what: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#windows = rateWindows(connection);
    this.#key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'luohu-rate-limit:client-address', 32));
  }

  /**
   * Counts one request from the address, or throws 429. `requestKey` (the request's Idempotency-Key): a request the
   * window has already counted is not counted again — a client retrying as the README says must not lock itself out.
   */
  async take(clientAddress: string, requestKey?: string): Promise<void> {
    const at = this.now().getTime();
    const windowStart = at - (at % this.options.windowMs);
    const hash = (text: string) => crypto.createHmac('sha256', this.#key).update(text).digest('hex').slice(0, 32);
    const id = `${this.scope}:${hash(clientAddress)}:${windowStart}`;
    const expiresAt = new Date(windowStart + this.options.windowMs);
    // A counted request leaves a marker (count 0, swept with its window); another request with its key is a retry.
    const marker = requestKey === undefined ? undefined : `${id}:${hash(`request\0${requestKey}`)}`;
    if (marker && (await this.#windows.exists({ _id: marker }))) return;
    const bump = () =>
      this.#windows
        .findOneAndUpdate(
          { _id: id },
          { $inc: { count: 1 }, $setOnInsert: { expiresAt } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
    // Two first requests in a window may race on the insert; the loser just increments the winner's document.
    const window = await bump().catch((err) =>
      (err as { code?: number }).code === 11000 ? bump() : Promise.reject(err),
    );
    this.#sweepNow(at);
    if (window!.count > this.options.max) {
      const retryAfter = Math.max(1, Math.ceil((expiresAt.getTime() - at) / 1000));
      throw new AppError(
        429,
        'rate_limited',
        `too many ${this.what} from this address; try again in ${retryAfter} s`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
    if (marker)
      await this.#windows.create({ _id: marker, count: 0, expiresAt }).catch((err) => {
        if ((err as { code?: number }).code !== 11000) throw err; // two retries at once: the other one marked it
      });
  }

  /** Expired windows (of every scope) are worthless. FerretDB v1 has no TTL indexes, so the limiter deletes them itself. */
  async sweep(): Promise<void> {
    await this.#windows.deleteMany({ expiresAt: { $lt: this.now() } });
  }

  /** At most once a window per process, in the background (a failed sweep is tried again on the next request). */
  #sweepNow(at: number): void {
    if (at - this.#lastSweep < this.options.windowMs) return;
    this.#lastSweep = at;
    this.sweep().catch(() => {
      this.#lastSweep = 0;
    });
  }
}
