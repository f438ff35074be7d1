/** Project approval (立项审批) model: the project record, its state machine, and the rules that pick reviewers. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input, requireDay } from '../shared/validate';
import { PROJECT_TRANSITIONS, PROJECT_TYPES, ProjectStatus, ProjectStep, ProjectType, requiredFiles } from '@luohu/domain';
import { Actor, Finding } from '../registry/registry';
import { refuse } from '../shared/refusal';

export const PROJECT = 'project';
export const PROJECT_BY_STATUS = 'project~status';
export const PROJECT_BY_CONTRACTOR = 'project~contractor';

export { FINANCE_REVIEW_THRESHOLD, PROJECT_STATUSES, PROJECT_TRANSITIONS, requiredDepartments, requiredFiles } from '@luohu/domain';
export type { ProjectStatus, ProjectStep } from '@luohu/domain';

export interface ProjectFile { kind: string; sha256: string }
export interface Review { dept: string; round: number; opinion: 'approve' | 'reject'; reason: string; by: Actor; at: string }
export interface Step {
    step: ProjectStep; from: ProjectStatus | null; to: ProjectStatus; by: Actor; at: string;
    reason?: string; deadline?: string; onTime?: boolean;
}
export interface ClockStop { stoppedAt: string; resumedAt?: string }

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

export function documentFindings(type: ProjectType, files: ProjectFile[]): Finding[] {
    const present = new Set(files.map((f) => f.kind));
    const missing = requiredFiles(type).filter((kind) => !present.has(kind));
    return [missing.length === 0
        ? { check: 'documents.required', ok: true, detail: requiredFiles(type).join(',') }
        : { check: 'documents.required', ok: false, detail: `missing ${missing.join(',')}` }];
}

/** Applies a step of the state machine, or refuses it naming the project, its status and the allowed ones. */
export function advance(project: Project, step: keyof typeof PROJECT_TRANSITIONS, to?: ProjectStatus): ProjectStatus {
    const rule = PROJECT_TRANSITIONS[step];
    if (!(rule.from as readonly ProjectStatus[]).includes(project.status)) {
        throw refuse('illegal_transition', `project ${project.id} cannot ${step} while ${project.status} (allowed from: ${rule.from.join(', ')})`);
    }
    const from = project.status;
    project.status = to ?? rule.to;
    return from;
}

export function requireDeadline(what: string, deadline: string, today: string): string {
    requireDay(what, deadline);
    if (deadline < today) {
        throw refuse('rule_broken', `${what} ${deadline} is already in the past (today is ${today})`);
    }
    return deadline;
}

export async function loadProject(ctx: Context, id: string): Promise<Project> {
    const project = await getRecord<Project>(ctx, PROJECT, [id]);
    if (!project) {
        throw refuse('not_found', `project ${id} does not exist`, { kind: 'project', id: id });
    }
    return project;
}
