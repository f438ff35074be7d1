import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';

interface LeaseRecord {
  _id: string;
  holder: string;
  expiresAt: Date;
}

/**
 * One holder at a time across replicas (the projector): taken when free or expired, renewed while held. The holder
 * knows how long it surely holds the lease (`held()`): until the expiry it wrote itself with its last successful
 * renewal, before which no other replica takes it (replicas share a clock, as on one machine or under NTP).
 */
export class Lease {
  readonly holder = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  private readonly Model: mongoose.Model<LeaseRecord>;
  private heldUntil = 0;

  constructor(
    connection: mongoose.Connection,
    private readonly name: string,
    private readonly ttlMs: number,
  ) {
    this.Model =
      (connection.models.Lease as mongoose.Model<LeaseRecord>) ??
      connection.model<LeaseRecord>(
        'Lease',
        new Schema<LeaseRecord>(
          { _id: String, holder: String, expiresAt: Date },
          { collection: 'leases', versionKey: false },
        ),
      );
  }

  /** True when this process holds the lease after the call. */
  async acquire(): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    try {
      const taken = await this.Model.findOneAndUpdate(
        { _id: this.name, $or: [{ holder: this.holder }, { expiresAt: { $lt: now } }] },
        { $set: { holder: this.holder, expiresAt } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      if (taken?.holder !== this.holder) return this.lost();
      this.heldUntil = Math.max(this.heldUntil, expiresAt.getTime());
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return this.lost(); // held by another replica: the upsert collided
      throw err;
    }
  }

  private lost(): false {
    this.heldUntil = 0;
    return false;
  }

  /** Whether this process surely holds the lease for at least `marginMs` more (no other replica can have taken it). */
  held(marginMs = 0): boolean {
    return Date.now() + marginMs < this.heldUntil;
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.Model.deleteOne({ _id: this.name, holder: this.holder });
  }
}
