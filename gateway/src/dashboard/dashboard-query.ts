import type { ReadModel, RecordType } from '../projection/read-model';
import { isWorkday, todayInShenzhen } from '../shared/working-days';
import { approvalFigures, bySubdistrict, type DeviationFacts, type ProjectFacts } from './approval-figures';
import {
  complaintFigures,
  contractPerformance,
  payoutFigures,
  safetyFigures,
  type AlertFacts,
  type ComplaintFacts,
  type MilestoneFacts,
  type PayoutFacts,
} from './operations-figures';

/** The fields each figure reads, so that a scan carries no more than it needs. */
const FIELDS: Partial<Record<RecordType, string>> = {
  project: 'id status lat lng createdAt clock steps.step steps.at steps.deadline',
  progressDeviation: 'projectId asOf plannedPercent actualPercent',
  milestone: 'contractId id plannedDate status acceptedAt',
  payout: 'contractId milestoneId status approvedAt bankConfirmation.confirmedAt',
  safetyAlert: 'projectId alertType status raisedAt resolvedAt',
  complaint: 'status deadline rating history.step history.at',
};

/** How long a computed dashboard is served before it is computed again (the read model changes every second). */
export const DASHBOARD_TTL_MS = 10_000;

/** The district's figures, as GET /v1/dashboard answers them. */
export type Dashboard = Awaited<ReturnType<DashboardQuery['compute']>>;

/**
 * The leaders' dashboard (领导驾驶舱): every figure computed in code from the read model (FerretDB v1 computes a
 * multi-accumulator `$group` wrongly, so no aggregation pipeline), at most once per DASHBOARD_TTL_MS.
 */
export class DashboardQuery {
  private cached?: { at: number; value: Promise<Dashboard> };

  constructor(
    private readonly readModel: ReadModel,
    private readonly now: () => number = Date.now,
  ) {}

  /** The figures, computed at most DASHBOARD_TTL_MS ago. */
  get(): Promise<Dashboard> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= DASHBOARD_TTL_MS) {
      const value = this.compute(now);
      this.cached = { at: now, value };
      value.catch(() => (this.cached = undefined)); // a failed computation is not served again
    }
    return this.cached.value;
  }

  private all<T>(type: RecordType): Promise<T[]> {
    return this.readModel.model(type).find({}, FIELDS[type]).lean() as unknown as Promise<T[]>;
  }

  async compute(now: number) {
    const [projects, deviations, milestones, payouts, refusedByRule, alerts, complaints] = await Promise.all([
      this.all<ProjectFacts>('project'),
      this.all<DeviationFacts>('progressDeviation'),
      this.all<MilestoneFacts>('milestone'),
      this.all<PayoutFacts>('payout'),
      this.readModel.model('paymentAlert').countDocuments({}),
      this.all<AlertFacts>('safetyAlert'),
      this.all<ComplaintFacts>('complaint'),
    ]);
    const today = todayInShenzhen(new Date(now));
    return {
      computedAt: new Date(now).toISOString(),
      approval: approvalFigures(projects, isWorkday),
      contractPerformance: contractPerformance(milestones, today),
      payouts: payoutFigures(payouts, milestones, refusedByRule),
      safety: safetyFigures(alerts),
      complaints: complaintFigures(complaints),
      subdistricts: bySubdistrict(projects, deviations),
    };
  }
}
