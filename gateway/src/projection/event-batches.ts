import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { LedgerEvent, toLedgerEvent } from './events';
import type { StageTimes } from './stage-times';

/** Events the projector applies together, in ledger order. */
export interface EventBatch {
  events: LedgerEvent[];
  /** Every event of the last event's block is in this batch or an earlier one (what X-Consistent-After waits for). */
  blockComplete: boolean;
}

/** Where the stream resumes: the block and index (within it) of the last event applied. */
export interface StreamStart {
  blockNumber: number;
  index: number;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Cuts the chaincode event stream into batches: a batch is every event at hand when the projector is ready for more
 * (up to `maxEvents`), so batches grow by themselves when the projector falls behind (while it applies one batch the
 * stream keeps filling the next) and stay a block or less when it keeps up. Numbers each event's index within its
 * block, continuing from `start` (the checkpoint), so that positions stay stable across restarts.
 */
export class EventBatches {
  private readonly queue: LedgerEvent[] = [];
  private ended = false;
  private failure: unknown;
  private arrived: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private block: number;
  private index: number;

  constructor(
    private readonly iterator: AsyncIterator<ChaincodeEvent>,
    start: StreamStart | undefined,
    private readonly maxEvents: number,
    private readonly stages?: StageTimes,
  ) {
    this.block = start?.blockNumber ?? -1;
    this.index = start?.index ?? -1;
    void this.pump();
  }

  /** Reads ahead of the projector, holding at most two batches' worth of events. */
  private async pump(): Promise<void> {
    try {
      for (;;) {
        if (this.queue.length >= 2 * this.maxEvents) {
          await new Promise<void>((r) => (this.drained = r));
          continue;
        }
        const item = await this.iterator.next();
        if (item.done) break;
        const blockNumber = Number(item.value.blockNumber);
        this.index = blockNumber === this.block ? this.index + 1 : 0;
        this.block = blockNumber;
        const decoding = performance.now();
        this.queue.push(toLedgerEvent(item.value, this.index));
        this.stages?.add('decode', performance.now() - decoding);
        this.arrived?.();
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.ended = true;
      this.arrived?.();
    }
  }

  /** The next batch; undefined once the stream has ended (closed) and every event read was handed out. */
  async next(): Promise<EventBatch | undefined> {
    while (this.queue.length === 0) {
      if (this.ended) {
        if (this.failure) throw this.failure;
        return undefined;
      }
      await new Promise<void>((r) => (this.arrived = r));
      this.arrived = undefined;
    }
    // The peer sends a block's events in one message, which the client library yields one by one without waiting
    // for the network: one turn of the event loop brings the rest of the block (and any block already received).
    for (let seen = -1; seen !== this.queue.length && this.queue.length < this.maxEvents;) {
      seen = this.queue.length;
      await turn();
    }
    const events = this.queue.splice(0, this.maxEvents);
    this.drained?.();
    this.drained = undefined;
    const last = events[events.length - 1];
    const following = this.queue[0];
    // Nothing more at hand after a turn: the block is complete, unless the stream was cut (a close mid-block).
    const blockComplete = following ? following.blockNumber !== last.blockNumber : !this.ended;
    return { events, blockComplete };
  }
}
