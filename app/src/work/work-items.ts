import type { paths } from '../api/schema';

/** A project as the read model lists it. */
export type Project = paths['/v1/projects']['get']['responses']['200']['content']['application/json']['items'][number];
/** A project's status. */
export type ProjectStatus = Project['status'];

/** What a person may do to a project from their work queue. */
export type WorkAction = 'preReview' | 'correction' | 'review' | 'decision';

/** Who is looking: role and department, as their certificate (GET /v1/me) says. */
export interface Viewer {
  role: string;
  dept: string | null;
  mspId: string;
}

/** Which projects each role's work queue lists (the status it acts on), and what it may do there. */
export function queueOf(viewer: Viewer): { status: ProjectStatus; actions: WorkAction[] } | undefined {
  if (viewer.mspId === 'HousingMSP' && viewer.role === 'clerk')
    return { status: 'pre_review', actions: ['preReview', 'correction'] };
  if (viewer.role === 'reviewer') return { status: 'department_review', actions: ['review', 'correction'] };
  if (viewer.mspId === 'HousingMSP' && viewer.role === 'director')
    return { status: 'awaiting_decision', actions: ['decision'] };
  return undefined;
}

/**
 * The projects awaiting this person, soonest deadline first: a reviewer sees only projects that need their
 * department and that their department has not reviewed in the current round.
 */
export function awaiting(viewer: Viewer, projects: readonly Project[]): Project[] {
  const mine = projects.filter((p) => {
    if (viewer.role !== 'reviewer') return true;
    if (!viewer.dept || !(p.requiredDepartments ?? []).includes(viewer.dept)) return false;
    return !(p.reviews ?? []).some((r) => r.dept === viewer.dept && r.round === p.round);
  });
  return [...mine].sort((a, b) => (a.deadline ?? '9999-12-31').localeCompare(b.deadline ?? '9999-12-31'));
}
