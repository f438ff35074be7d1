import type mongoose from 'mongoose';
import type { Ledger, SigningUser } from '../ledger/ledger';
import type { Logger } from '../platform/logger';
import { DatabaseCheckpointer } from './checkpoint';
import { type EventBatch, EventBatches } from './event-batches';
import type { LedgerEvent } from './events';
import { Lease } from './lease';
import { StageTimes } from './stage-times';

/** A domain's projection: applies the events it knows to its read-model collections, idempotently by position. */
export interface Projection {
  handles(type: string): boolean;
  /**
   * Applies a batch of events, in ledger order; applying any of them again (a replay after a crash) changes nothing.
   * `stages` sums the time of its stages (bench:projector).
   */
  apply(events: LedgerEvent[], stages?: StageTimes): Promise<void>;
  /**
   * Like apply, but leaves out work the batch's readers do not need and returns it, to run once the batch is
   * checkpointed (and before the next batch): the projector makes the batch visible sooner.
   */
  applyThenTidy?(events: LedgerEvent[], stages?: StageTimes): Promise<() => Promise<void>>;
  /** Before events flow (at every (re)start of the stream): drop caches, finish interrupted work. */
  resume?(): Promise<void>;
}

/**
 * The projector's lease: a holder that dies (SIGKILL: no release) leaves a lease that expires within LEASE_TTL_MS of
 * its last renewal, and a standby retries every LEASE_RETRY_MS, so another replica takes over within ~2.5 s. The
 * holder renews four times per TTL, so a renewal or two may be slow or fail without losing it.
 */
export const LEASE_TTL_MS = 2_000;
const LEASE_RENEW_MS = 500;
const LEASE_RETRY_MS = 250;
/** A batch starts only while the lease is surely held this much longer, so that its writes end within the lease. */
const LEASE_MARGIN_MS = 500;
/** At most this many events per batch: a backlog is applied in batches of this size (each one checkpoint). */
const MAX_BATCH = 256;

/** A batch that takes longer than this is logged with its stages (where the read model fell behind). */
const SLOW_BATCH_MS = 1_000;

/** Milliseconds per stage between two snapshots. */
const since = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([stage, ms]) => [stage, Math.round(ms - (before[stage] ?? 0))]));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Projects chaincode events into the read model: one replica at a time (lease), resuming exactly after the durable
 * checkpoint. Events come in batches (event-batches.ts: a block, or several when the projector is behind); a batch is
 * applied, then checkpointed once; a crash in between re-applies that batch, which the projections' position guards
 * make a no-op — so each event takes effect exactly once.
 */
export class Projector {
  readonly checkpoint: DatabaseCheckpointer;
  private readonly lease: Lease;
  private stopped = false;
  private closeStream: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Test hook: awaited before an event is applied (tests hold the projector at a chosen event). */
  beforeApply?: (event: LedgerEvent) => Promise<void>;
  /** Test hook: awaited after a batch is applied and before its checkpoint is saved (tests crash the projector there). */
  beforeCheckpoint?: (events: LedgerEvent[]) => Promise<void>;
  /** At most this many events per batch, from the next (re)start of the stream (tests lower it: one by one). */
  maxBatchEvents = MAX_BATCH;
  /** Time per stage over the batches applied (waiting for events, decoding, each projection's stages, checkpoint). */
  readonly stages = new StageTimes();

  /** `onProjected` is told how many events each checkpointed batch held. */
  constructor(
    connection: mongoose.Connection,
    private readonly ledger: Ledger,
    private readonly reader: () => Promise<SigningUser>,
    readonly projections: Projection[],
    private readonly logger: Logger,
    private readonly onProjected: (events: number) => void = () => undefined,
  ) {
    this.checkpoint = new DatabaseCheckpointer(connection, 'read-model');
    this.lease = new Lease(connection, 'projector', LEASE_TTL_MS);
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease.acquire())) {
          await sleep(LEASE_RETRY_MS);
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
    // Renewed from the start: a resume may take long (it builds the lists of a new read model).
    let close = () => undefined as void;
    let unwatch = () => undefined as void;
    const renew = setInterval(() => {
      this.lease.acquire().then(
        (held) => held || close(), // refused: another replica holds it, stop reading at once
        () => undefined, // failed: the lease runs out unless a later renewal succeeds, and held() stops the batches
      );
    }, LEASE_RENEW_MS);
    try {
      await this.checkpoint.load();
      for (const p of this.projections) await p.resume?.();
      this.assertLease(LEASE_MARGIN_MS);
      const gateway = this.ledger.gateway(await this.reader());
      const events = await gateway.getNetwork(this.ledger.channel).getChaincodeEvents(this.ledger.chaincode, {
        checkpoint: this.checkpoint,
        startBlock: 0n,
      });
      close = this.closeStream = () => events.close();
      // A silent peer (link cut, hung) would keep the stream open and empty: it is opened again through another.
      unwatch = this.ledger.connections.watchStream(gateway, () => events.close());
      const batches = new EventBatches(
        events[Symbol.asyncIterator](),
        this.checkpoint.start,
        this.maxBatchEvents,
        this.stages,
      );
      const next = () => this.stages.time('wait', () => batches.next());
      try {
        for (let batch = await next(); batch && !this.stopped; batch = await next()) await this.apply(batch);
      } finally {
        events.close();
      }
    } finally {
      clearInterval(renew);
      unwatch();
    }
  }

  private async apply({ events, blockComplete }: EventBatch): Promise<void> {
    const started = performance.now();
    const before = this.stages.snapshot();
    this.assertLease(LEASE_MARGIN_MS);
    const known = events.filter((event) => {
      if (event.type !== 'unknown') return true;
      this.logger.warn(
        { transactionId: event.transactionId, position: event.position },
        'skipping an event that is not in the works-ledger envelope',
      );
      return false;
    });
    for (const event of known) await this.beforeApply?.(event);
    const tidy: Array<() => Promise<void>> = [];
    for (const p of this.projections) {
      const handled = known.filter((event) => p.handles(event.type));
      if (!handled.length) continue;
      if (p.applyThenTidy) tidy.push(await p.applyThenTidy(handled, this.stages));
      else await p.apply(handled, this.stages);
    }
    await this.beforeCheckpoint?.(events);
    this.assertLease(0); // a replica that lost the lease checkpoints nothing (the checkpoint also refuses to go back)
    await this.stages.time('checkpoint', () => this.checkpoint.save(events[events.length - 1], blockComplete));
    const visibleMs = performance.now() - started;
    this.stages.batch(events.length, visibleMs);
    this.onProjected(events.length);
    // Before the next batch; a replica that lost the lease meanwhile leaves it (a restart rebuilds what it left half done).
    for (const work of tidy) {
      this.assertLease(0);
      await work();
    }
    const ms = performance.now() - started;
    if (ms > SLOW_BATCH_MS) {
      const stages = since(before, this.stages.snapshot());
      this.logger.warn(
        { events: events.length, visibleMs: Math.round(visibleMs), ms: Math.round(ms), stages },
        'slow projector batch',
      );
    }
  }

  private assertLease(marginMs: number): void {
    if (!this.lease.held(marginMs)) throw new Error('the projector lease is no longer surely held');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeStream?.();
    await this.loop?.catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }
}
