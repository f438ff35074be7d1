import { ALERT_TYPES, type AlertType } from '@luohu/domain';
import { hoursBetween, oneDecimal, rate, shenzhenDay, spread, type Rate, type Spread } from './measures';

/** What the figures read of a milestone. */
export interface MilestoneFacts {
  contractId: string;
  id: string;
  plannedDate: string;
  status: string;
  acceptedAt?: string;
}

/** What the figures read of a payout. */
export interface PayoutFacts {
  contractId: string;
  milestoneId: string;
  status: string;
  approvedAt?: string;
  bankConfirmation?: { confirmedAt: string };
}

/** What the figures read of a safety alert. */
export interface AlertFacts {
  projectId: string;
  alertType: string;
  status: string;
  raisedAt: string;
  resolvedAt?: string;
}

/** What the figures read of a complaint. */
export interface ComplaintFacts {
  status: string;
  deadline: string;
  rating: { score: number } | null;
  history: { step: string; at: string }[];
}

/**
 * Contract performance: of the milestones due by today (planned date passed, or already accepted), the share accepted
 * no later than their planned date.
 */
export function contractPerformance(milestones: readonly MilestoneFacts[], today: string): Rate {
  const due = milestones.filter((m) => m.plannedDate < today || m.acceptedAt);
  const onTime = due.filter((m) => m.acceptedAt && shenzhenDay(m.acceptedAt) <= m.plannedDate);
  return rate(onTime.length, due.length);
}

/**
 * The payout figures: refused by a rule (each committed overpayment alert is a request the chaincode refused), paid or
 * approved without an accepted milestone (must be 0: the chaincode refuses it), and days from the milestone's
 * acceptance to the bank's confirmation.
 */
export function payoutFigures(
  payouts: readonly PayoutFacts[],
  milestones: readonly MilestoneFacts[],
  refusedByRule: number,
): { refusedByRule: number; withoutAcceptedMilestone: number; paid: number; daysToBank: Spread } {
  const milestone = new Map(milestones.map((m) => [`${m.contractId}/${m.id}`, m]));
  let withoutAcceptedMilestone = 0;
  const days: number[] = [];
  for (const p of payouts) {
    if (p.status !== 'approved' && p.status !== 'paid') continue;
    const m = milestone.get(`${p.contractId}/${p.milestoneId}`);
    if (!m?.acceptedAt || (p.approvedAt && m.acceptedAt > p.approvedAt)) withoutAcceptedMilestone++;
    else if (p.bankConfirmation) days.push(hoursBetween(m.acceptedAt, p.bankConfirmation.confirmedAt) / 24);
  }
  return {
    refusedByRule,
    withoutAcceptedMilestone,
    paid: payouts.filter((p) => p.status === 'paid').length,
    daysToBank: spread(days),
  };
}

/** Safety: alerts by type, open now, per project, and hours from raising to resolution. */
export function safetyFigures(alerts: readonly AlertFacts[]): {
  byType: Record<AlertType, number>;
  open: number;
  perProject: number | null;
  hoursToResolve: Spread;
} {
  const byType = Object.fromEntries(ALERT_TYPES.map((t) => [t, 0])) as Record<AlertType, number>;
  for (const a of alerts) if (a.alertType in byType) byType[a.alertType as AlertType]++;
  const projects = new Set(alerts.map((a) => a.projectId)).size;
  return {
    byType,
    open: alerts.filter((a) => a.status !== 'resolved').length,
    perProject: projects === 0 ? null : oneDecimal(alerts.length / projects),
    hoursToResolve: spread(alerts.filter((a) => a.resolvedAt).map((a) => hoursBetween(a.raisedAt, a.resolvedAt!))),
  };
}

const stepAt = (c: ComplaintFacts, step: string) => c.history.find((h) => h.step === step)?.at;

/**
 * Complaints: response time (hours from receipt to the first dispatch), answers on time (answered no later than the
 * deadline the unit was given), and satisfaction (ratings of 4 or 5 out of 5, of those rated).
 */
export function complaintFigures(complaints: readonly ComplaintFacts[]): {
  responseHours: Spread;
  answeredOnTime: Rate;
  satisfaction: Rate;
} {
  const response: number[] = [];
  let answered = 0;
  let onTime = 0;
  for (const c of complaints) {
    const received = stepAt(c, 'receive');
    const dispatched = stepAt(c, 'dispatch');
    if (received && dispatched) response.push(hoursBetween(received, dispatched));
    const answer = [...c.history].reverse().find((h) => h.step === 'answer');
    if (answer) {
      answered++;
      if (shenzhenDay(answer.at) <= c.deadline) onTime++;
    }
  }
  const rated = complaints.filter((c) => c.rating);
  return {
    responseHours: spread(response),
    answeredOnTime: rate(onTime, answered),
    satisfaction: rate(rated.filter((c) => c.rating!.score >= 4).length, rated.length),
  };
}
