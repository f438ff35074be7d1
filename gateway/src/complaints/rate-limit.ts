import crypto from 'node:crypto';
import { AppError } from '../platform/errors';
import type { ComplaintStore } from './private-store';

export interface RateLimitOptions { windowMs: number; max: number }

/**
 * Anonymous submissions per client IP: a fixed window counted in the database, so that every gateway replica shares
 * the count. IPs are stored only as keyed hashes. Over the limit → 429 with Retry-After, and nothing is stored.
 */
export class SubmissionRateLimit {
  constructor(private readonly store: ComplaintStore, private readonly key: Buffer, private readonly options: RateLimitOptions, private readonly now: () => Date) {}

  async take(ip: string): Promise<void> {
    const at = this.now().getTime();
    const windowStart = at - (at % this.options.windowMs);
    const ipHash = crypto.createHmac('sha256', this.key).update(ip).digest('hex').slice(0, 32);
    const id = `${ipHash}:${windowStart}`;
    const expiresAt = new Date(windowStart + this.options.windowMs);
    const bump = () => this.store.RateLimit.findOneAndUpdate({ _id: id }, { $inc: { count: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, returnDocument: 'after' }).lean();
    // Two first requests in a window may race on the insert; the loser just increments the winner's document.
    const window = await bump().catch((err) => ((err as { code?: number }).code === 11000 ? bump() : Promise.reject(err)));
    if (window!.count > this.options.max) {
      const retryAfter = Math.max(1, Math.ceil((expiresAt.getTime() - at) / 1000));
      throw new AppError(429, 'rate_limited', `too many complaints from this address; try again in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
    }
  }

  /** Old windows are worthless; the scheduler sweeps them (FerretDB v1 has no TTL indexes to rely on). */
  async sweep(): Promise<void> {
    await this.store.RateLimit.deleteMany({ expiresAt: { $lt: this.now() } });
  }
}
