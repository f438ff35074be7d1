/** Project approval (立项审批): project types, the documents each requires, who reviews, the state machine, deadlines. */

export const PROJECT_TYPES = ['building', 'road', 'bridge', 'water', 'drainage', 'landscape', 'renovation'] as const;
/** What a project builds: it decides the documents an application must carry and the departments that review it. */
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const PROJECT_STATUSES = [
  'pre_review',
  'correction',
  'department_review',
  'awaiting_decision',
  'approved',
  'rejected',
] as const;
/** Where an application stands in approval (PROJECT_TRANSITIONS says how it moves). */
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** The explicit state machine: for each step, the statuses it may start from and where it leads. */
export const PROJECT_TRANSITIONS = {
  passPreReview: { from: ['pre_review'], to: 'department_review' },
  returnForCorrection: { from: ['pre_review', 'department_review'], to: 'correction' },
  resubmit: { from: ['correction'], to: 'pre_review' },
  review: { from: ['department_review'], to: 'department_review' }, // → awaiting_decision once every department has spoken
  approve: { from: ['awaiting_decision'], to: 'approved' },
  reject: { from: ['pre_review', 'correction', 'department_review', 'awaiting_decision'], to: 'rejected' },
} as const satisfies Record<string, { from: readonly ProjectStatus[]; to: ProjectStatus }>;
/** An action on a project: a transition, or the application that creates it. */
export type ProjectStep = keyof typeof PROJECT_TRANSITIONS | 'apply';

/** Budget (fen) from which the finance bureau must also review: 5000万元. */
export const FINANCE_REVIEW_THRESHOLD = 5_000_000_000;

/** Documents every application carries, and those its type adds. */
const BASE_FILES = ['application_form', 'feasibility_study', 'budget_estimate', 'land_use_permit'];
const FILES_BY_TYPE: Record<ProjectType, string[]> = {
  building: ['construction_drawings'],
  road: ['traffic_impact_assessment'],
  bridge: ['traffic_impact_assessment', 'construction_drawings'],
  water: ['environmental_impact_assessment'],
  drainage: ['environmental_impact_assessment'],
  landscape: [],
  renovation: ['construction_drawings'],
};
const DEPTS_BY_TYPE: Record<ProjectType, string[]> = {
  building: [],
  road: ['transport'],
  bridge: ['transport'],
  water: ['water'],
  drainage: ['water'],
  landscape: ['urban_management'],
  renovation: [],
};

/** The documents (kinds) an application of this type must name, sorted. */
export function requiredFiles(type: ProjectType): string[] {
  return [...BASE_FILES, ...FILES_BY_TYPE[type]].sort();
}

/** Departments that must review in parallel, chosen by project type and budget. */
export function requiredDepartments(type: ProjectType, budget: number): string[] {
  const depts = new Set(['housing', ...DEPTS_BY_TYPE[type]]);
  if (budget >= FINANCE_REVIEW_THRESHOLD) {
    depts.add('finance');
  }
  return [...depts].sort();
}

/** Working days each stage may take (the statutory 15 working days end to end, split by stage). */
export const STAGE_DEADLINES = { preReview: 2, departmentReview: 5, resubmittedPreReview: 2 } as const;
