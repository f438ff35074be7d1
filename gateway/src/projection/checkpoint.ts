import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { Checkpoint } from '@hyperledger/fabric-gateway';
import type { StreamStart } from './event-batches';
import { type LedgerEvent, positionOf } from './events';

/** blockComplete: every event of blockNumber is applied (what X-Consistent-After waits for, projection/consistency.ts). */
interface CheckpointRecord {
  _id: string;
  blockNumber: number;
  transactionId: string | null;
  index: number;
  position: number;
  blockComplete?: boolean;
  updatedAt: Date;
}

/** Another projector has checkpointed further than this one: this one no longer holds the lease. */
export class CheckpointAheadError extends Error {
  constructor(position: number) {
    super(`the read-model checkpoint is already past position ${position}: another replica projects`);
  }
}

/**
 * The projection's durable checkpoint (fabric-gateway's Checkpointer idea, stored in the database): the last event
 * applied, and its index within its block so that a resume mid-block keeps event positions stable.
 */
export class DatabaseCheckpointer implements Checkpoint {
  private state: CheckpointRecord | null = null;
  private readonly Model: mongoose.Model<CheckpointRecord>;

  constructor(
    connection: mongoose.Connection,
    private readonly name: string,
  ) {
    this.Model =
      (connection.models.Checkpoint as mongoose.Model<CheckpointRecord>) ??
      connection.model<CheckpointRecord>(
        'Checkpoint',
        new Schema<CheckpointRecord>(
          {
            _id: String,
            blockNumber: Number,
            transactionId: { type: String, default: null },
            index: Number,
            position: Number,
            blockComplete: Boolean,
            updatedAt: Date,
          },
          { collection: 'checkpoints', versionKey: false },
        ),
      );
  }

  async load(): Promise<void> {
    this.state = await this.Model.findById(this.name).lean();
  }

  getBlockNumber(): bigint | undefined {
    return this.state ? BigInt(this.state.blockNumber) : undefined;
  }

  getTransactionId(): string | undefined {
    return this.state?.transactionId ?? undefined;
  }

  /** The last event applied (its block and index within it), where the stream's numbering continues. */
  get start(): StreamStart | undefined {
    return this.state ? { blockNumber: this.state.blockNumber, index: this.state.index } : undefined;
  }

  get position(): number {
    return this.state?.position ?? -1;
  }

  /** The block of the last event this process applied, and whether it applied that block whole. */
  get block(): { blockNumber: number; blockComplete: boolean } | undefined {
    return this.state
      ? { blockNumber: this.state.blockNumber, blockComplete: this.state.blockComplete === true }
      : undefined;
  }

  /**
   * Records `last` as applied. The checkpoint only moves forward: a save behind the stored one (a replica that lost
   * the lease while another went on) fails with CheckpointAheadError and leaves it as it is.
   */
  async save(last: LedgerEvent, blockComplete = false): Promise<void> {
    const { blockNumber, transactionId, position } = last;
    const index = position - positionOf(blockNumber, 0);
    const state = { _id: this.name, blockNumber, transactionId, index, position, blockComplete, updatedAt: new Date() };
    try {
      await this.Model.updateOne(
        { _id: this.name, $or: [{ position: { $lt: position } }, { position: { $exists: false } }] },
        { $set: state },
        { upsert: true },
      );
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new CheckpointAheadError(position);
      throw err;
    }
    this.state = state;
  }

  /** The position the read model has reached, as any replica sees it. */
  async readPosition(): Promise<number> {
    return (await this.Model.findById(this.name).lean())?.position ?? -1;
  }
}
