import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { Checkpoint } from '@hyperledger/fabric-gateway';

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

  /** Index the next event of `blockNumber` gets. */
  nextIndex(blockNumber: number): number {
    return this.state && this.state.blockNumber === blockNumber ? this.state.index + 1 : 0;
  }

  get position(): number {
    return this.state?.position ?? -1;
  }

  async save(
    blockNumber: number,
    transactionId: string,
    index: number,
    position: number,
    blockComplete = false,
  ): Promise<void> {
    this.state = { _id: this.name, blockNumber, transactionId, index, position, blockComplete, updatedAt: new Date() };
    await this.Model.updateOne({ _id: this.name }, { $set: this.state }, { upsert: true });
  }

  /** The position the read model has reached, as any replica sees it. */
  async readPosition(): Promise<number> {
    return (await this.Model.findById(this.name).lean())?.position ?? -1;
  }
}
