import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';

interface LeaseRecord {
  _id: string;
  holder: string;
  expiresAt: Date;
}

/** One holder at a time across replicas (the projector): taken when free or expired, renewed while held. */
export class Lease {
  readonly holder = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  private readonly Model: mongoose.Model<LeaseRecord>;

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
      return taken?.holder === this.holder;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // held by another replica: the upsert collided
      throw err;
    }
  }

  async release(): Promise<void> {
    await this.Model.deleteOne({ _id: this.name, holder: this.holder });
  }
}
