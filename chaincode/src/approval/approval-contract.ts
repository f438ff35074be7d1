/** Contract `approval`: project approval (立项审批) from application to decision. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { Caller, actorOf, authorize } from '../shared/access';
import {
  emit,
  getRecord,
  keyHistory,
  moveIndex,
  pageByIndex,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  txDay,
  txTime,
} from '../shared/ledger';
import { canonicalJson } from '../shared/serialise';
import { requireId, requireOneOf, requireText } from '../shared/validate';
import { requireDepartment } from '../shared/departments';
import { CONTRACTOR, Contractor, Finding, qualificationFindings } from '../registry/registry';
import {
  PROJECT,
  PROJECT_BY_CONTRACTOR,
  PROJECT_BY_STATUS,
  PROJECT_STATUSES,
  Project,
  ProjectStatus,
  ProjectStep,
  advance,
  documentFindings,
  loadProject,
  parseApplication,
  parseFileList,
  requireDeadline,
  requiredDepartments,
} from './approval';
import {
  APPLICATION_FILE,
  ApplicationFile,
  companyOf,
  parseApplicationFile,
  requireAnchoredFiles,
  requireOwnCompany,
} from './applicant';
import { refuse } from '../shared/refusal';

/**
 * The `approval` namespace's transactions: apply (and anchor the application's files), pre-review, department reviews,
 * correction and resubmission, the decision, and reads.
 */
@Info({ title: 'approval', description: 'Project approval (立项审批)' })
export class ApprovalContract extends Contract {
  constructor() {
    super('approval');
  }

  /** A contractor or owner unit applies; the automatic check runs here and its findings are recorded. */
  @Transaction()
  @Returns('string')
  async applyForProject(ctx: Context, projectJson: string, deadline: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.applyForProject');
    const company = companyOf(ctx, caller);
    const { contractorId: named, ...input } = parseApplication(projectJson);
    const contractorId = requireOwnCompany(company, named);
    const now = txTime(ctx);
    requireDeadline('deadline', deadline, txDay(ctx));
    if (await recordExists(ctx, PROJECT, [input.id])) {
      throw refuse('already_exists', `project ${input.id} already exists`, { kind: 'project', id: input.id });
    }
    await requireAnchoredFiles(ctx, company, input.files);
    const project: Project = {
      docType: 'project',
      ...input,
      contractorId,
      applicant: actorOf(caller),
      status: 'pre_review',
      round: 1,
      autoCheck: await this.#autoCheck(ctx, contractorId, input.type, input.budget, input.files, 1),
      requiredDepartments: requiredDepartments(input.type, input.budget),
      reviews: [],
      deadline,
      clock: { running: true, stops: [] },
      steps: [],
      createdAt: now,
      updatedAt: now,
    };
    this.#step(ctx, project, 'apply', null, caller, { deadline });
    await putIndex(
      ctx,
      PROJECT_BY_CONTRACTOR,
      [project.contractorId, project.id],
      recordKey(ctx, PROJECT, [project.id]),
    );
    return this.#save(ctx, project, null, 'approval.applied');
  }

  /** A contractor's or owner's upload: the gateway anchors it with the uploader's own key, for the uploader's company. */
  @Transaction()
  @Returns('string')
  async anchorApplicationFile(ctx: Context, fileJson: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.anchorApplicationFile');
    const company = companyOf(ctx, caller);
    const input = parseApplicationFile(fileJson);
    if (await recordExists(ctx, APPLICATION_FILE, [company, input.sha256])) {
      throw refuse('already_exists', `application file ${input.sha256} is already anchored for company ${company}`);
    }
    const file: ApplicationFile = {
      docType: 'applicationFile',
      company,
      ...input,
      uploadedBy: actorOf(caller),
      anchoredAt: txTime(ctx),
    };
    const state = await putRecord(ctx, APPLICATION_FILE, [company, input.sha256], file);
    emit(ctx, { type: 'approval.file_anchored', ids: { company, sha256: input.sha256 }, state });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async passPreReview(ctx: Context, projectId: string, deadline: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.passPreReview');
    requireDepartment(caller, 'review');
    const project = await this.#readProject(ctx, projectId);
    requireDeadline('deadline', deadline, txDay(ctx));
    if (project.status === 'pre_review' && !project.autoCheck.passed) {
      const failed = project.autoCheck.findings.filter((f) => !f.ok).map((f) => f.check);
      throw refuse(
        'rule_broken',
        `project ${projectId} cannot pass pre-review: automatic check failed (${failed.join(', ')}); return it for correction`,
      );
    }
    const from = advance(project, 'passPreReview');
    this.#step(ctx, project, 'passPreReview', from, caller, { deadline });
    project.deadline = deadline;
    return this.#save(ctx, project, from, 'approval.pre_review_passed');
  }

  /** 补正: sends the application back to the applicant and stops the working-day clock. */
  @Transaction()
  @Returns('string')
  async returnForCorrection(ctx: Context, projectId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.returnForCorrection');
    requireText('reason', reason, 2000);
    const dept = requireDepartment(caller, 'review');
    const project = await this.#readProject(ctx, projectId);
    if (caller.role === 'reviewer' && !project.requiredDepartments.includes(dept)) {
      throw refuse(
        'forbidden',
        `project ${projectId}: a reviewer of department ${caller.dept ?? '(none)'} is not one of its reviewing departments (${project.requiredDepartments.join(', ')})`,
      );
    }
    const from = advance(project, 'returnForCorrection');
    this.#step(ctx, project, 'returnForCorrection', from, caller, { reason });
    project.deadline = null;
    project.clock = { running: false, stops: [...project.clock.stops, { stoppedAt: txTime(ctx) }] };
    return this.#save(ctx, project, from, 'approval.returned_for_correction');
  }

  /** The original applicant resubmits corrected files; the automatic check runs again and the clock restarts. */
  @Transaction()
  @Returns('string')
  async resubmitProject(ctx: Context, projectId: string, filesJson: string, deadline: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.resubmitProject');
    const project = await this.#readProject(ctx, projectId);
    if (caller.mspId !== project.applicant.mspId || caller.id !== project.applicant.id) {
      throw refuse('forbidden', `project ${projectId} may only be resubmitted by its applicant`);
    }
    const company = requireOwnCompany(companyOf(ctx, caller), project.contractorId);
    const files = parseFileList(filesJson);
    await requireAnchoredFiles(ctx, company, files);
    requireDeadline('deadline', deadline, txDay(ctx));
    const from = advance(project, 'resubmit');
    const byKind = new Map(project.files.map((f) => [f.kind, f]));
    files.forEach((f) => byKind.set(f.kind, f));
    project.files = [...byKind.values()].sort((a, b) => (a.kind < b.kind ? -1 : 1));
    project.round += 1;
    project.autoCheck = await this.#autoCheck(
      ctx,
      project.contractorId,
      project.type,
      project.budget,
      project.files,
      project.round,
    );
    const stops = project.clock.stops.slice();
    stops[stops.length - 1] = { ...stops[stops.length - 1], resumedAt: txTime(ctx) };
    project.clock = { running: true, stops };
    this.#step(ctx, project, 'resubmit', from, caller, { deadline });
    project.deadline = deadline;
    return this.#save(ctx, project, from, 'approval.resubmitted');
  }

  /** One department's opinion; departments review in parallel, and the last one moves the project to decision. */
  @Transaction()
  @Returns('string')
  async reviewProject(ctx: Context, projectId: string, opinion: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.reviewProject');
    const verdict = requireOneOf('opinion', opinion, ['approve', 'reject'] as const);
    requireText('reason', reason, 2000);
    // Only a department of the reviewer's own bureau counts: an Audit "transport" reviewer is refused here.
    const dept = requireDepartment(caller, 'review');
    const project = await this.#readProject(ctx, projectId);
    if (!project.requiredDepartments.includes(dept)) {
      throw refuse(
        'rule_broken',
        `project ${projectId} does not need a review from department ${dept || '(none)'} (needs ${project.requiredDepartments.join(', ')})`,
      );
    }
    if (project.reviews.some((r) => r.round === project.round && r.dept === dept)) {
      throw refuse(
        'already_exists',
        `project ${projectId} already has a review from department ${dept} in round ${project.round}`,
      );
    }
    project.reviews.push({
      dept,
      round: project.round,
      opinion: verdict,
      reason,
      by: actorOf(caller),
      at: txTime(ctx),
    });
    const done = project.requiredDepartments.every((d) =>
      project.reviews.some((r) => r.round === project.round && r.dept === d),
    );
    const from = advance(project, 'review', done ? 'awaiting_decision' : 'department_review');
    this.#step(ctx, project, 'review', from, caller, { reason: `${dept}:${verdict}: ${reason}` });
    return this.#save(ctx, project, from, 'approval.reviewed');
  }

  @Transaction()
  @Returns('string')
  async approveProject(ctx: Context, projectId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.approveProject');
    requireDepartment(caller, 'review');
    requireText('reason', reason, 2000);
    const project = await this.#readProject(ctx, projectId);
    const against = project.reviews
      .filter((r) => r.round === project.round && r.opinion === 'reject')
      .map((r) => r.dept);
    if (project.status === 'awaiting_decision' && against.length > 0) {
      throw refuse(
        'rule_broken',
        `project ${projectId} cannot be approved: department(s) ${against.join(', ')} reviewed against it`,
      );
    }
    const from = advance(project, 'approve');
    project.decisionReason = reason;
    this.#step(ctx, project, 'approve', from, caller, { reason });
    project.deadline = null;
    return this.#save(ctx, project, from, 'approval.approved');
  }

  @Transaction()
  @Returns('string')
  async rejectProject(ctx: Context, projectId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'approval.rejectProject');
    requireDepartment(caller, 'review');
    requireText('reason', reason, 2000);
    const project = await this.#readProject(ctx, projectId);
    const from = advance(project, 'reject');
    project.decisionReason = reason;
    this.#step(ctx, project, 'reject', from, caller, { reason });
    project.deadline = null;
    project.clock = { ...project.clock, running: false };
    return this.#save(ctx, project, from, 'approval.rejected');
  }

  @Transaction(false)
  @Returns('string')
  async readProject(ctx: Context, projectId: string): Promise<string> {
    await authorize(ctx, 'approval.read');
    return canonicalJson(await this.#readProject(ctx, projectId));
  }

  @Transaction(false)
  @Returns('string')
  async listProjectsByStatus(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'approval.read');
    requireOneOf('status', status, PROJECT_STATUSES);
    return canonicalJson(await pageByIndex<Project>(ctx, PROJECT_BY_STATUS, [status], pageSize, bookmark));
  }

  @Transaction(false)
  @Returns('string')
  async listProjectsByContractor(
    ctx: Context,
    contractorId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'approval.read');
    return canonicalJson(
      await pageByIndex<Project>(
        ctx,
        PROJECT_BY_CONTRACTOR,
        [requireId('contractorId', contractorId)],
        pageSize,
        bookmark,
      ),
    );
  }

  @Transaction(false)
  @Returns('string')
  async projectHistory(ctx: Context, projectId: string): Promise<string> {
    await authorize(ctx, 'approval.read');
    await this.#readProject(ctx, projectId);
    return canonicalJson(await keyHistory(ctx, recordKey(ctx, PROJECT, [projectId])));
  }

  async #readProject(ctx: Context, projectId: string): Promise<Project> {
    return loadProject(ctx, requireId('projectId', projectId));
  }

  async #autoCheck(
    ctx: Context,
    contractorId: string,
    type: Project['type'],
    budget: number,
    files: Project['files'],
    round: number,
  ): Promise<Project['autoCheck']> {
    const contractor = await getRecord<Contractor>(ctx, CONTRACTOR, [contractorId]);
    const findings: Finding[] = contractor
      ? qualificationFindings(contractor, type, budget, txDay(ctx))
      : [{ check: 'qualification.exists', ok: false, detail: `contractor ${contractorId} is not registered` }];
    findings.push(...documentFindings(type, files));
    return { at: txTime(ctx), round, passed: findings.every((f) => f.ok), findings };
  }

  #step(
    ctx: Context,
    project: Project,
    step: ProjectStep,
    from: ProjectStatus | null,
    caller: Caller,
    extra: { reason?: string; deadline?: string },
  ): void {
    const at = txTime(ctx);
    const running = from !== null && project.deadline !== null;
    project.steps.push({
      step,
      from,
      to: project.status,
      by: actorOf(caller),
      at,
      ...extra,
      ...(running ? { onTime: txDay(ctx) <= (project.deadline as string) } : {}),
    });
    project.updatedAt = at;
  }

  async #save(ctx: Context, project: Project, from: ProjectStatus | null, type: string): Promise<string> {
    const key = recordKey(ctx, PROJECT, [project.id]);
    if (from === null) {
      await putIndex(ctx, PROJECT_BY_STATUS, [project.status, project.id], key);
    } else {
      await moveIndex(ctx, PROJECT_BY_STATUS, [from, project.id], [project.status, project.id], key);
    }
    const state = await putRecord(ctx, PROJECT, [project.id], project);
    emit(ctx, { type, ids: { projectId: project.id, status: project.status }, state });
    return state.json;
  }
}
