import { nearestSubdistrict, PROJECT_STATUSES, SUBDISTRICTS, type ProjectStatus } from '@luohu/domain';
import { rate, shenzhenDay, spread, workingDaysBetween, type IsWorkday, type Rate, type Spread } from './measures';

/** What the approval figures read of a project (the read model's copy of the ledger record). */
export interface ProjectFacts {
  id: string;
  status: ProjectStatus;
  lat?: number;
  lng?: number;
  createdAt: string;
  clock?: { stops: { stoppedAt: string; resumedAt?: string }[] };
  steps?: { step: string; at: string; deadline?: string | null }[];
}

/** What the schedule figures read of a progress deviation. */
export interface DeviationFacts {
  projectId: string;
  asOf: string;
  plannedPercent: number;
  actualPercent: number;
}

const DECISIONS = ['approve', 'reject'];

/**
 * Approval time of a decided project: working days from the application to the decision, less the working days the
 * clock stood still while the applicant corrected (补正). Undecided projects have none.
 */
export function approvalWorkingDays(p: ProjectFacts, isWorkday: IsWorkday): number | null {
  const decision = (p.steps ?? []).find((s) => DECISIONS.includes(s.step));
  if (!decision) return null;
  const decided = shenzhenDay(decision.at);
  const stopped = (p.clock?.stops ?? []).reduce(
    (days, s) =>
      days + workingDaysBetween(shenzhenDay(s.stoppedAt), s.resumedAt ? shenzhenDay(s.resumedAt) : decided, isWorkday),
    0,
  );
  return Math.max(0, workingDaysBetween(shenzhenDay(p.createdAt), decided, isWorkday) - stopped);
}

/**
 * Department reviews on time: a review counts as on time when its day is no later than the deadline in force when it
 * was given (the deadline set by the last step before it that set one).
 */
export function reviewsOnTime(projects: readonly ProjectFacts[]): Rate {
  let reviews = 0;
  let onTime = 0;
  for (const p of projects) {
    let deadline: string | null = null;
    for (const s of [...(p.steps ?? [])].sort((a, b) => a.at.localeCompare(b.at))) {
      if (s.step === 'review') {
        reviews++;
        if (deadline !== null && shenzhenDay(s.at) <= deadline) onTime++;
      }
      if (s.deadline) deadline = s.deadline;
    }
  }
  return rate(onTime, reviews);
}

/** The approval figures: time to decision (median, p90), reviews on time, and projects by status. */
export function approvalFigures(
  projects: readonly ProjectFacts[],
  isWorkday: IsWorkday,
): { approvalWorkingDays: Spread; reviewsOnTime: Rate; byStatus: Record<ProjectStatus, number> } {
  const byStatus = Object.fromEntries(PROJECT_STATUSES.map((s) => [s, 0])) as Record<ProjectStatus, number>;
  for (const p of projects) if (p.status in byStatus) byStatus[p.status]++;
  return {
    approvalWorkingDays: spread(
      projects.map((p) => approvalWorkingDays(p, isWorkday)).filter((d): d is number => d !== null),
    ),
    reviewsOnTime: reviewsOnTime(projects),
    byStatus,
  };
}

/** A subdistrict on the dashboard's map: its projects and their mean schedule deviation (actual − planned, points). */
export interface SubdistrictFigure {
  code: string;
  projects: number;
  deviation: number | null;
}

/** Projects per subdistrict, with the mean of each project's latest deviation (those that reported one). */
export function bySubdistrict(
  projects: readonly ProjectFacts[],
  deviations: readonly DeviationFacts[],
): SubdistrictFigure[] {
  const latest = new Map<string, DeviationFacts>();
  for (const d of deviations) {
    const seen = latest.get(d.projectId);
    if (!seen || d.asOf > seen.asOf) latest.set(d.projectId, d);
  }
  const figures = new Map(SUBDISTRICTS.map((s) => [s.code, { projects: 0, deviations: [] as number[] }]));
  for (const p of projects) {
    if (typeof p.lat !== 'number' || typeof p.lng !== 'number') continue;
    const f = figures.get(nearestSubdistrict(p.lat, p.lng).code)!;
    f.projects++;
    const d = latest.get(p.id);
    if (d) f.deviations.push(d.actualPercent - d.plannedPercent);
  }
  return [...figures].map(([code, f]) => ({
    code,
    projects: f.projects,
    deviation: f.deviations.length
      ? Math.round((f.deviations.reduce((a, b) => a + b, 0) / f.deviations.length) * 10) / 10
      : null,
  }));
}
