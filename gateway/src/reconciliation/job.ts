import type mongoose from 'mongoose';
import { ConflictError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { Lease } from '../projection/lease';
import type { Reconciler } from './reconciler';
import type { ReconciliationStore, Run } from './store';

const LEASE_TTL_MS = 60_000;

/**
 * Starts reconciliation runs, on request or every `intervalMs`, one at a time across replicas: a run holds the
 * `reconciliation` lease (the projector's mechanism), renewed while it runs. A scheduled tick also skips when any
 * replica started a run within the interval, so N replicas do not run N times per interval.
 */
export class ReconciliationJob {
  private readonly lease: Lease;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private starting = false;
  private stopping = false;

  constructor(
    connection: mongoose.Connection,
    private readonly reconciler: Reconciler,
    private readonly store: ReconciliationStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly onEnded: (run: Run) => void = () => undefined,
  ) {
    this.lease = new Lease(connection, 'reconciliation', LEASE_TTL_MS);
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(
      () => void this.tick().catch((err) => this.logger.warn({ err }, 'scheduled reconciliation failed to start')),
      this.intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.current?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.current) return;
    const latest = await this.store.latestRun();
    if (latest && Date.now() - latest.startedAt.getTime() < this.intervalMs * 0.9) return; // another replica's turn was recent
    await this.begin('schedule', null).catch((err) => {
      if (!(err instanceof ConflictError)) throw err;
    });
  }

  /** Starts a run and returns it at once (it goes on in the background); 409 while any replica is running one. */
  async begin(trigger: Run['trigger'], requestedBy: string | null): Promise<Run> {
    if (this.stopping) throw new ConflictError('the gateway is stopping');
    // `starting` is set before the first await: two requests to this replica at once cannot both take the lease it holds.
    if (this.starting || this.current) throw await this.inProgress();
    this.starting = true;
    try {
      if (!(await this.lease.acquire())) throw await this.inProgress();
      let run: Run;
      try {
        // We hold the lease, so a run still marked running was left by a gateway that stopped mid-run.
        await this.store.runs.updateMany(
          { status: 'running' },
          {
            $set: { status: 'failed', finishedAt: new Date(), error: 'abandoned: its gateway stopped during the run' },
          },
        );
        run = await this.store.startRun(trigger, requestedBy, this.lease.holder);
      } catch (err) {
        await this.lease.release().catch(() => undefined);
        throw err;
      }
      this.current = this.execute(run).finally(() => {
        this.current = undefined;
      });
      return run;
    } finally {
      this.starting = false;
    }
  }

  private async inProgress(): Promise<ConflictError> {
    const running = await this.store.runs.findOne({ status: 'running' }).lean<Run>();
    return new ConflictError('a reconciliation run is in progress', { runId: running?._id ?? null });
  }

  private async execute(run: Run): Promise<void> {
    const started = Date.now();
    let lost = false;
    const renew = setInterval(
      () =>
        void this.lease.acquire().then(
          (held) => {
            lost ||= !held;
          },
          () => undefined,
        ),
      LEASE_TTL_MS / 3,
    );
    const progress = run.progress;
    let error: string | null = null;
    try {
      await this.reconciler.run(run._id, progress, () => this.stopping || lost);
    } catch (err) {
      error = (err as Error).message;
      this.logger.warn({ runId: run._id, err: error }, 'reconciliation run failed');
    } finally {
      clearInterval(renew);
    }
    await this.store
      .finishRun(run._id, progress, error)
      .catch((err) => this.logger.warn({ err }, 'could not record the end of a reconciliation run'));
    await this.lease.release().catch(() => undefined);
    const ended = await this.store.getRun(run._id).catch(() => null);
    if (ended) this.onEnded(ended);
    this.logger.info({ runId: run._id, ms: Date.now() - started, ...progress }, 'reconciliation run ended');
  }
}
