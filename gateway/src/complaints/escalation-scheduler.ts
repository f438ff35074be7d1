import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { AnchoredWrites } from '../operations/anchored-writes';
import type { ReadModel, ReadModelDocument } from '../projection/read-model';
import { todayInShenzhen } from '../shared/working-days';
import { ESCALATION_USER, SystemIdentities } from './system-identities';

/** Statuses the chaincode may escalate from (COMPLAINT_TRANSITIONS.escalate). */
export const ESCALATABLE = ['received', 'dispatched', 'in_progress', 'reopened'] as const;

/**
 * How often the scheduler looks for overdue complaints, how many per pass, its clock, and how long a claimed attempt
 * holds.
 */
export interface EscalationOptions {
  intervalMs: number;
  batch: number;
  now: () => Date;
  attemptWindowMs: number;
}
/**
 * One pass of the scheduler: complaints escalated (督办), already escalated by another replica, and refused with their
 * codes.
 */
export interface TickReport {
  escalated: string[];
  alreadyDone: string[];
  refused: Array<{ id: string; code: string }>;
}

/**
 * Escalates overdue complaints (督办): every interval it reads the read model for complaints past their deadline in an
 * escalatable status and sends escalateComplaint signed by the escalation system user.
 *
 * Safe with several replicas and a lagging read model: each attempt carries an Idempotency-Key made of the complaint,
 * its step count and the current attempt window, so replicas in the same window share ONE operation (the second gets
 * the first one's outcome, never a second transaction); in a later window the chaincode itself refuses a second
 * escalation (`cannot escalate while escalated`). A complaint is tried at most once per window, so nothing spams.
 */
export class EscalationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;

  constructor(
    private readonly deps: { readModel: ReadModel; writes: AnchoredWrites; system: SystemIdentities; logger: Logger },
    private readonly options: EscalationOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(
      () => void this.tick().catch((err) => this.deps.logger.warn({ err }, 'complaint escalation tick failed')),
      this.options.intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass; a pass still running in this replica is joined rather than doubled. */
  tick(): Promise<TickReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<TickReport> {
    const now = this.options.now();
    const today = todayInShenzhen(now);
    const due = await this.deps.readModel
      .model('complaint')
      .find({ status: { $in: [...ESCALATABLE] }, deadline: { $lt: today } })
      .sort({ deadline: 1, _id: 1 })
      .limit(this.options.batch)
      .lean<ReadModelDocument[]>();
    const report: TickReport = { escalated: [], alreadyDone: [], refused: [] };
    if (due.length > 0) await this.deps.system.ensure();
    const window = Math.floor(now.getTime() / this.options.attemptWindowMs);
    for (const complaint of due) {
      const id = String(complaint.id);
      const steps = Array.isArray(complaint.history) ? complaint.history.length : 0;
      try {
        const outcome = await this.deps.writes.write({
          userId: ESCALATION_USER,
          idempotencyKey: `complaint-escalation:${id}:${steps}:${window}`,
          fingerprint: { escalate: id, steps, window },
          namespace: 'complaint',
          fn: 'escalateComplaint',
          args: [id],
          async: false,
        });
        (outcome.replayed ? report.alreadyDone : report.escalated).push(id);
        if (!outcome.replayed)
          this.deps.logger.info({ complaintId: id, deadline: complaint.deadline }, 'overdue complaint escalated');
      } catch (err) {
        // 409: another replica holds the attempt, or it is already escalated; 422: not overdue by the ledger's clock.
        if (!(err instanceof AppError)) throw err;
        report.refused.push({ id, code: err.code });
        this.deps.logger.debug({ complaintId: id, err: err.message }, 'complaint not escalated');
      }
    }
    return report;
  }
}
