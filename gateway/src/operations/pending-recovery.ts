import type mongoose from 'mongoose';
import type { Ledger } from '../ledger/ledger';
import { AppError } from '../platform/errors';
import { inParallel } from '../platform/in-parallel';
import type { Logger } from '../platform/logger';
import type { OperationRecord } from './models';
import { failed, Settlement, settlementOf } from './outcomes';
import { ReplicaLiveness } from './replica-liveness';

/** How recovery treats operations whose request is over (a crash, an unknown outcome); all in milliseconds. */
export interface RecoveryOptions {
  /** A signed operation untouched this long is followed up: its transaction ID asked, then the transaction resent. */
  signedAfterMs: number;
  /** An operation never signed this long is closed (nothing was sent): its key may try again. */
  unsignedAfterMs: number;
  /** How often every replica looks. */
  everyMs: number;
  /** How long one look waits for a transaction's status, and for a resent transaction's. */
  statusWaitMs: number;
}

export const RECOVERY: RecoveryOptions = {
  signedAfterMs: 5_000,
  unsignedAfterMs: 30_000,
  everyMs: 1_000,
  statusWaitMs: 2_000,
};

/** Operations followed up at once by one replica (each asks a peer, perhaps the orderer). */
const CONCURRENCY = 16;

/**
 * Settles pending operations whose request ended without an outcome — the gateway died, or the ledger stopped answering
 * after the transaction was sent. Every replica runs it; each operation is taken by one at a time (a conditional update
 * of its `updatedAt`). A signed transaction is looked up by its ID and, when not found, sent again (same ID: it commits
 * at most once); only a commit status settles it. An operation that was never signed is closed as interrupted.
 */
export class PendingRecovery {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> | undefined;
  private stopped = false;

  /** This replica's beat; the owner of the operations it records or takes up. */
  readonly liveness: ReplicaLiveness;

  constructor(
    private readonly Operation: mongoose.Model<OperationRecord>,
    private readonly ledger: Ledger,
    private readonly logger: Logger,
    private readonly options: RecoveryOptions = RECOVERY,
  ) {
    this.liveness = new ReplicaLiveness(Operation.db);
  }

  start(): void {
    this.stopped = false;
    this.liveness.start();
    const tick = () => {
      this.pass = this.runOnce()
        .catch((err) => this.logger.warn({ err: (err as Error).message }, 'recovering pending operations failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.everyMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
    await this.liveness.stop();
  }

  /** Whether the operation's owner (the replica that recorded or took it up) is gone. */
  abandoned(op: OperationRecord): boolean {
    return op.status === 'pending' && this.liveness.isDead(op.owner);
  }

  /** Settles an operation whose owner is gone, now (a client's retry found it), unless another replica took it up. */
  async settleAbandoned(op: OperationRecord): Promise<void> {
    if (this.abandoned(op)) await this.takeAndSettle(op);
  }

  /** One look: settles what can be settled now; returns how many operations it took up. */
  async runOnce(signedAfterMs = this.options.signedAfterMs): Promise<number> {
    const now = Date.now();
    // `status` is index-served (postgres-indexes.ts); pending operations are few, so the age is checked here.
    const pending = await this.Operation.find({ status: 'pending' }).lean();
    const due = pending.filter(
      (op) =>
        this.liveness.isDead(op.owner) ||
        now - op.updatedAt.getTime() >= (op.signedTransaction ? signedAfterMs : this.options.unsignedAfterMs),
    );
    let taken = 0;
    await inParallel(due, CONCURRENCY, async (op) => {
      if (await this.takeAndSettle(op)) taken++;
    });
    return taken;
  }

  /** Takes the operation up (unless another replica did) and settles it if its outcome can be known now. */
  private async takeAndSettle(op: OperationRecord): Promise<boolean> {
    if (!(await this.take(op))) return false;
    const settlement = await this.settle(op);
    if (!settlement) return true; // still unknown: the next look tries again
    const { matchedCount } = await this.Operation.updateOne(
      { _id: op._id, status: 'pending' },
      { $set: { ...settlement, signedTransaction: null, updatedAt: new Date() } },
    );
    if (matchedCount > 0)
      this.logger.info({ operationId: op._id, status: settlement.status }, 'settled a pending operation');
    return true;
  }

  /** This replica takes the operation up, unless another did since it was read. */
  private async take(op: OperationRecord): Promise<boolean> {
    const { matchedCount } = await this.Operation.updateOne(
      { _id: op._id, status: 'pending', updatedAt: op.updatedAt },
      { $set: { updatedAt: new Date(), owner: this.liveness.id } },
    );
    return matchedCount > 0;
  }

  private async settle(op: OperationRecord): Promise<Settlement | undefined> {
    if (!op.signedTransaction)
      return failed(
        new AppError(503, 'interrupted', 'the gateway stopped before the transaction was sent; nothing was written'),
      );
    const bytes = Buffer.from(op.signedTransaction, 'base64');
    const transactionId = op.attempts.at(-1)?.transactionId;
    const wait = this.options.statusWaitMs;
    const status =
      (transactionId ? await this.ledger.statusOf(transactionId, wait) : undefined) ??
      (await this.ledger.resend(bytes, wait));
    return status ? settlementOf(this.ledger, status, bytes) : undefined;
  }
}
