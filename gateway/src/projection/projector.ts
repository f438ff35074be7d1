import type mongoose from 'mongoose';
import type { Ledger, SigningUser } from '../ledger/ledger';
import type { Logger } from '../platform/logger';
import { DatabaseCheckpointer } from './checkpoint';
import { LedgerEvent, toLedgerEvent } from './events';
import { Lease } from './lease';

/** A domain's projection: applies the events it knows to its read-model collections, idempotently by position. */
export interface Projection {
  handles(type: string): boolean;
  apply(event: LedgerEvent): Promise<void>;
  /** Before events flow (at every (re)start of the stream): drop caches, finish interrupted work. */
  resume?(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the event just applied was its block's last. The peer sends all of a block's chaincode events in one
 * message, which the client library yields one by one: if the next event is not at hand before the event loop turns
 * (it would come from a later message), or it is of a later block, the block is complete. X-Consistent-After needs this.
 */
async function lastOfBlock(
  next: Promise<IteratorResult<{ blockNumber: bigint }>>,
  blockNumber: number,
): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([
    next.then(
      (r) => r,
      () => undefined,
    ),
    new Promise<typeof pending>((r) => setImmediate(() => r(pending))),
  ]);
  if (first === pending || first === undefined || first.done) return true;
  return Number(first.value.blockNumber) !== blockNumber;
}

/**
 * Projects chaincode events into the read model: one replica at a time (lease), resuming exactly after the durable
 * checkpoint. An event is applied, then checkpointed; a crash in between re-applies that one event, which the
 * projections' position guards make a no-op — so each event takes effect exactly once.
 */
export class Projector {
  readonly checkpoint: DatabaseCheckpointer;
  private readonly lease: Lease;
  private stopped = false;
  private closeStream: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Test hook: awaited before an event is applied (tests hold the projector at a chosen event). */
  beforeApply?: (event: LedgerEvent) => Promise<void>;

  constructor(
    connection: mongoose.Connection,
    private readonly ledger: Ledger,
    private readonly reader: () => Promise<SigningUser>,
    readonly projections: Projection[],
    private readonly logger: Logger,
    private readonly onProjected: () => void = () => undefined,
  ) {
    this.checkpoint = new DatabaseCheckpointer(connection, 'read-model');
    this.lease = new Lease(connection, 'projector', 15_000);
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease.acquire())) {
          await sleep(2_000);
          continue;
        }
        await this.stream();
      } catch (err) {
        if (!this.stopped)
          this.logger.warn(
            { err: (err as Error).message },
            'projection stream interrupted; resuming from the checkpoint',
          );
        await sleep(1_000);
      }
    }
  }

  private async stream(): Promise<void> {
    await this.checkpoint.load();
    for (const p of this.projections) await p.resume?.();
    const network = this.ledger.gateway(await this.reader()).getNetwork(this.ledger.channel);
    const events = await network.getChaincodeEvents(this.ledger.chaincode, {
      checkpoint: this.checkpoint,
      startBlock: 0n,
    });
    this.closeStream = () => events.close();
    const renew = setInterval(() => {
      this.lease
        .acquire()
        .then((held) => {
          if (!held) events.close();
        })
        .catch(() => events.close());
    }, 5_000);
    const iterator = events[Symbol.asyncIterator]();
    try {
      let next = iterator.next();
      for (;;) {
        const item = await next;
        if (item.done) break;
        const raw = item.value;
        const blockNumber = Number(raw.blockNumber);
        const index = this.checkpoint.nextIndex(blockNumber);
        const event = toLedgerEvent(raw, index);
        if (event.type === 'unknown')
          this.logger.warn(
            { transactionId: raw.transactionId, eventName: raw.eventName },
            'skipping an event that is not in the works-ledger envelope',
          );
        else {
          await this.beforeApply?.(event);
          for (const p of this.projections) if (p.handles(event.type)) await p.apply(event);
        }
        next = iterator.next();
        await this.checkpoint.save(
          blockNumber,
          raw.transactionId,
          index,
          event.position,
          await lastOfBlock(next, blockNumber),
        );
        this.onProjected();
      }
    } finally {
      clearInterval(renew);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeStream?.();
    await this.loop?.catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }
}
