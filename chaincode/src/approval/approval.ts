/** Project approval (立项审批) model: the project record, its state machine, and the rules that pick reviewers. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input, requireDay } from '../shared/validate';
import {
  PROJECT_TRANSITIONS,
  PROJECT_TYPES,
  ProjectStatus,
  ProjectStep,
  ProjectType,
  requiredFiles,
} from '@luohu/domain';
import { Actor, Finding } from '../registry/registry';
import { refuse } from '../shared/refusal';

export const PROJECT = 'project';
export const PROJECT_BY_STATUS = 'project~status';
export const PROJECT_BY_CONTRACTOR = 'project~contractor';

export {
  FINANCE_REVIEW_THRESHOLD,
  PROJECT_STATUSES,
  PROJECT_TRANSITIONS,
  requiredDepartments,
  requiredFiles,
} from '@luohu/domain';
export type { ProjectStatus, ProjectStep } from '@luohu/domain';

/** A file an application names: its kind (e.g. feasibility_study) and the SHA-256 it was anchored with. */
export interface ProjectFile {
  kind: string;
  sha256: string;
}
/** One department's opinion in a review round, with its reason. */
export interface Review {
  dept: string;
  round: number;
  opinion: 'approve' | 'reject';
  reason: string;
  by: Actor;
  at: string;
}
/**
 * One entry of a project's history: the step, from and to which status, by whom, when, and the deadline it met or
 * missed.
 */
export interface Step {
  step: ProjectStep;
  from: ProjectStatus | null;
  to: ProjectStatus;
  by: Actor;
  at: string;
  reason?: string;
  deadline?: string;
  onTime?: boolean;
}
/** A pause of the approval clock (a correction, 补正): working days between stoppedAt and resumedAt do not count. */
export interface ClockStop {
  stoppedAt: string;
  resumedAt?: string;
}

/**
 * A project application on the ledger: what is applied for, its files, the automatic checks, reviews, clock and
 * history.
 */
export interface Project {
  docType: 'project';
  id: string;
  name: string;
  type: ProjectType;
  budget: number;
  location: string;
  contractorId: string;
  applicant: Actor;
  files: ProjectFile[];
  status: ProjectStatus;
  round: number;
  autoCheck: { at: string; round: number; passed: boolean; findings: Finding[] };
  requiredDepartments: string[];
  reviews: Review[];
  deadline: string | null; // the running working-day deadline given by the caller's calendar; null while the clock is stopped
  clock: { running: boolean; stops: ClockStop[] };
  steps: Step[];
  decisionReason?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The files field of an argument: 1 to 50 files, no kind twice, sorted by kind (the same list gives the same record).
 */
export function parseFiles(input: Input, field: string): ProjectFile[] {
  const files = input.objects(field, (f) => ({ kind: f.id('kind'), sha256: f.hex64('sha256') }), 1, 50);
  const kinds = new Set<string>();
  for (const f of files) {
    if (kinds.has(f.kind)) {
      throw refuse('invalid_request', `${input.name(field)} lists kind ${f.kind} twice`);
    }
    kinds.add(f.kind);
  }
  return files.sort((a, b) => (a.kind < b.kind ? -1 : 1));
}

/** An application's JSON argument checked field by field (unknown fields refused). */
export function parseApplication(json: string) {
  const input = Input.parse('project', json);
  const value = {
    id: input.id('id'),
    name: input.text('name', 200),
    type: input.oneOf('type', PROJECT_TYPES),
    budget: input.int('budget', 1),
    location: input.text('location', 100),
    // Optional: the contractor is the applicant's company from its certificate; a body may only repeat it.
    contractorId: input.optional('contractorId', (f) => input.id(f)),
    files: parseFiles(input, 'files'),
  };
  input.done();
  return value;
}

/** A resubmission's file list (a JSON array argument), checked as parseFiles does. */
export function parseFileList(json: string): ProjectFile[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw refuse('invalid_request', 'files is not valid JSON');
  }
  const input = new Input('resubmission', { files: parsed });
  return parseFiles(input, 'files');
}

/** The automatic check that the application names every document its type requires. */
export function documentFindings(type: ProjectType, files: ProjectFile[]): Finding[] {
  const present = new Set(files.map((f) => f.kind));
  const missing = requiredFiles(type).filter((kind) => !present.has(kind));
  return [
    missing.length === 0
      ? { check: 'documents.required', ok: true, detail: requiredFiles(type).join(',') }
      : { check: 'documents.required', ok: false, detail: `missing ${missing.join(',')}` },
  ];
}

/** Applies a step of the state machine, or refuses it naming the project, its status and the allowed ones. */
export function advance(project: Project, step: keyof typeof PROJECT_TRANSITIONS, to?: ProjectStatus): ProjectStatus {
  const rule = PROJECT_TRANSITIONS[step];
  if (!(rule.from as readonly ProjectStatus[]).includes(project.status)) {
    throw refuse(
      'illegal_transition',
      `project ${project.id} cannot ${step} while ${project.status} (allowed from: ${rule.from.join(', ')})`,
    );
  }
  const from = project.status;
  project.status = to ?? rule.to;
  return from;
}

/** A deadline the caller computed (YYYY-MM-DD); refused when it is before today (the transaction's day). */
export function requireDeadline(what: string, deadline: string, today: string): string {
  requireDay(what, deadline);
  if (deadline < today) {
    throw refuse('rule_broken', `${what} ${deadline} is already in the past (today is ${today})`);
  }
  return deadline;
}

/** The project with this id, or a not_found refusal. */
export async function loadProject(ctx: Context, id: string): Promise<Project> {
  const project = await getRecord<Project>(ctx, PROJECT, [id]);
  if (!project) {
    throw refuse('not_found', `project ${id} does not exist`, { kind: 'project', id: id });
  }
  return project;
}
