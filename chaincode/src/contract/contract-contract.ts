/** Contract `contract`: works contracts (合同履约) — milestones, change orders, progress, acceptance, delays, breaches. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, authorize } from '../shared/access';
import {
  emit,
  getRecord,
  pageByIndex,
  pageRecords,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  txTime,
} from '../shared/ledger';
import { RawJson, canonicalJson } from '../shared/serialise';
import { requireId, requireText } from '../shared/validate';
import { loadContractor } from '../registry/registry';
import { loadProject } from '../approval/approval';
import { loadDocument } from '../document/document';
import { loadBatch, PHOTO_BATCH_KIND } from '../anchor/anchor';
import {
  CHANGE_ORDER,
  CONTRACT,
  CONTRACT_BY_PROJECT,
  ChangeOrder,
  INCIDENT,
  MILESTONE,
  Milestone,
  PROGRESS,
  WorksContract,
  loadContract,
  loadMilestone,
  parseBreach,
  parseChangeOrder,
  parseContract,
  parseDelay,
  parseProgress,
  retentionOf,
} from './contract';
import { refuse } from '../shared/refusal';

/** Photo batches one milestone may name: enough for months of weekly site visits, bounded for the record's size. */
const MAX_PHOTO_BATCHES = 50;

const LISTS = {
  milestones: MILESTONE,
  changeOrders: CHANGE_ORDER,
  progressReports: PROGRESS,
  incidents: INCIDENT,
} as const;

/**
 * The `contract` namespace's transactions: create a contract, change orders, progress reports, milestone acceptance,
 * delays, breaches, and reads.
 */
@Info({ title: 'contract', description: 'Works contracts and milestones (合同履约)' })
export class WorksContractContract extends Contract {
  constructor() {
    super('contract');
  }

  @Transaction()
  @Returns('string')
  async createContract(ctx: Context, contractJson: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.createContract');
    const input = parseContract(contractJson);
    const project = await loadProject(ctx, input.projectId);
    if (project.status !== 'approved') {
      throw refuse('rule_broken', `contract ${input.id}: project ${project.id} is ${project.status}, not approved`);
    }
    await loadContractor(ctx, input.contractorId);
    if (input.contractorId !== project.contractorId) {
      throw refuse(
        'rule_broken',
        `contract ${input.id}: contractor ${input.contractorId} is not the contractor of project ${project.id} (${project.contractorId})`,
      );
    }
    if (await recordExists(ctx, CONTRACT, [input.id])) {
      throw refuse('already_exists', `contract ${input.id} already exists`, { kind: 'contract', id: input.id });
    }
    const now = txTime(ctx);
    const { milestones, ...rest } = input;
    const contract: WorksContract = {
      docType: 'contract',
      ...rest,
      originalSum: input.sum,
      retentionAmount: retentionOf(input.sum, input.retentionPercent),
      milestoneIds: milestones.map((m) => m.id),
      approvedChangeOrders: [],
      createdBy: actorOf(caller),
      createdAt: now,
      updatedAt: now,
    };
    const related: Record<string, RawJson> = {};
    for (const m of milestones) {
      const milestone: Milestone = {
        docType: 'milestone',
        contractId: contract.id,
        ...m,
        status: 'planned',
        latestProgress: null,
      };
      related[`milestone:${m.id}`] = await putRecord(ctx, MILESTONE, [contract.id, m.id], milestone);
    }
    const state = await putRecord(ctx, CONTRACT, [contract.id], contract);
    await putIndex(
      ctx,
      CONTRACT_BY_PROJECT,
      [contract.projectId, contract.id],
      recordKey(ctx, CONTRACT, [contract.id]),
    );
    emit(ctx, {
      type: 'contract.created',
      ids: { contractId: contract.id, projectId: contract.projectId },
      state,
      related,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async proposeChangeOrder(ctx: Context, contractId: string, changeOrderJson: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.proposeChangeOrder');
    const contract = await this.#readContract(ctx, contractId);
    const input = parseChangeOrder(changeOrderJson);
    if (await recordExists(ctx, CHANGE_ORDER, [contractId, input.id])) {
      throw refuse('already_exists', `change order ${input.id} of contract ${contractId} already exists`, {
        kind: 'changeOrder',
        id: input.id,
      });
    }
    let delta = 0;
    for (const change of input.changes) {
      if (contract.milestoneIds.includes(change.milestoneId)) {
        const milestone = await loadMilestone(ctx, contractId, change.milestoneId);
        if (milestone.status !== 'planned') {
          throw refuse(
            'illegal_transition',
            `change order ${input.id}: milestone ${change.milestoneId} is already ${milestone.status} and cannot change`,
          );
        }
        delta += change.amount - milestone.amount;
      } else {
        if (!change.name || !change.plannedDate) {
          throw refuse(
            'invalid_request',
            `change order ${input.id}: new milestone ${change.milestoneId} needs a name and a plannedDate`,
          );
        }
        delta += change.amount;
      }
    }
    const order: ChangeOrder = {
      docType: 'changeOrder',
      contractId,
      ...input,
      delta,
      status: 'proposed',
      proposedBy: actorOf(caller),
      proposedAt: txTime(ctx),
    };
    const state = await putRecord(ctx, CHANGE_ORDER, [contractId, order.id], order);
    emit(ctx, {
      type: 'contract.change_proposed',
      ids: { contractId, changeOrderId: order.id, projectId: contract.projectId },
      state,
    });
    return state.json;
  }

  /** Approval applies the change: milestone amounts change, the contract sum moves by the same delta. */
  @Transaction()
  @Returns('string')
  async approveChangeOrder(ctx: Context, contractId: string, changeOrderId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.approveChangeOrder');
    requireText('reason', reason, 2000);
    const contract = await this.#readContract(ctx, contractId);
    const order = await this.#readChangeOrder(ctx, contractId, changeOrderId);
    if (order.status !== 'proposed') {
      throw refuse(
        'illegal_transition',
        `change order ${changeOrderId} of contract ${contractId} is already ${order.status}`,
      );
    }
    const now = txTime(ctx);
    const related: Record<string, RawJson> = {};
    for (const change of order.changes) {
      let milestone: Milestone;
      if (contract.milestoneIds.includes(change.milestoneId)) {
        milestone = await loadMilestone(ctx, contractId, change.milestoneId);
        if (milestone.status !== 'planned') {
          throw refuse(
            'illegal_transition',
            `change order ${changeOrderId}: milestone ${change.milestoneId} was ${milestone.status} meanwhile and cannot change`,
          );
        }
        milestone = {
          ...milestone,
          amount: change.amount,
          name: change.name ?? milestone.name,
          plannedDate: change.plannedDate ?? milestone.plannedDate,
        };
      } else {
        milestone = {
          docType: 'milestone',
          contractId,
          id: change.milestoneId,
          name: change.name as string,
          plannedDate: change.plannedDate as string,
          amount: change.amount,
          status: 'planned',
          latestProgress: null,
        };
        contract.milestoneIds.push(change.milestoneId);
      }
      related[`milestone:${milestone.id}`] = await putRecord(ctx, MILESTONE, [contractId, milestone.id], milestone);
    }
    const newSum = contract.sum + order.delta;
    if (newSum <= 0) {
      throw refuse(
        'rule_broken',
        `change order ${changeOrderId} would bring contract ${contractId} to a sum of ${newSum}`,
      );
    }
    Object.assign(contract, {
      sum: newSum,
      retentionAmount: retentionOf(newSum, contract.retentionPercent),
      updatedAt: now,
    });
    if (order.payee) contract.payee = order.payee; // the only way the payee account changes
    contract.approvedChangeOrders.push(changeOrderId);
    Object.assign(order, { status: 'approved', decidedBy: actorOf(caller), decidedAt: now, decisionReason: reason });
    related.contract = await putRecord(ctx, CONTRACT, [contractId], contract);
    const state = await putRecord(ctx, CHANGE_ORDER, [contractId, changeOrderId], order);
    emit(ctx, {
      type: 'contract.change_approved',
      ids: { contractId, changeOrderId, projectId: contract.projectId },
      state,
      related,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async rejectChangeOrder(ctx: Context, contractId: string, changeOrderId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.rejectChangeOrder');
    requireText('reason', reason, 2000);
    const contract = await this.#readContract(ctx, contractId);
    const order = await this.#readChangeOrder(ctx, contractId, changeOrderId);
    if (order.status !== 'proposed') {
      throw refuse(
        'illegal_transition',
        `change order ${changeOrderId} of contract ${contractId} is already ${order.status}`,
      );
    }
    Object.assign(order, {
      status: 'rejected',
      decidedBy: actorOf(caller),
      decidedAt: txTime(ctx),
      decisionReason: reason,
    });
    const state = await putRecord(ctx, CHANGE_ORDER, [contractId, changeOrderId], order);
    emit(ctx, {
      type: 'contract.change_rejected',
      ids: { contractId, changeOrderId, projectId: contract.projectId },
      state,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async reportProgress(ctx: Context, contractId: string, reportJson: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.reportProgress');
    const contract = await this.#readContract(ctx, contractId);
    const input = parseProgress(reportJson);
    if (await recordExists(ctx, PROGRESS, [contractId, input.id])) {
      throw refuse('already_exists', `progress report ${input.id} of contract ${contractId} already exists`, {
        kind: 'progressReport',
        id: input.id,
      });
    }
    const related: Record<string, RawJson> = {};
    if (input.milestoneId) {
      const milestone = await loadMilestone(ctx, contractId, input.milestoneId);
      milestone.latestProgress = {
        plannedPercent: input.plannedPercent,
        actualPercent: input.actualPercent,
        reportDate: input.reportDate,
      };
      related.milestone = await putRecord(ctx, MILESTONE, [contractId, milestone.id], milestone);
    }
    const report = {
      docType: 'progressReport',
      contractId,
      ...input,
      deviation: input.actualPercent - input.plannedPercent,
      by: actorOf(caller),
      at: txTime(ctx),
    };
    const state = await putRecord(ctx, PROGRESS, [contractId, input.id], report);
    emit(ctx, {
      type: 'contract.progress_reported',
      ids: { contractId, reportId: input.id, projectId: contract.projectId },
      state,
      related,
    });
    return state.json;
  }

  /** Only an inspector accepts a milestone; the acceptance report, if named, must be an active anchored document. */
  @Transaction()
  @Returns('string')
  async acceptMilestone(
    ctx: Context,
    contractId: string,
    milestoneId: string,
    acceptanceReportSha256: string,
  ): Promise<string> {
    const caller = await authorize(ctx, 'contract.acceptMilestone');
    const contract = await this.#readContract(ctx, contractId);
    const milestone = await loadMilestone(ctx, contractId, requireId('milestoneId', milestoneId));
    if (milestone.status !== 'planned') {
      throw refuse(
        'illegal_transition',
        `milestone ${milestoneId} of contract ${contractId} is already ${milestone.status}`,
      );
    }
    let report: string | null = null;
    if (acceptanceReportSha256) {
      const doc = await loadDocument(ctx, acceptanceReportSha256);
      if (doc.status !== 'active' || doc.projectId !== contract.projectId || doc.documentType !== 'acceptance_report') {
        throw refuse(
          'rule_broken',
          `milestone ${milestoneId}: document ${doc.sha256} is not an active acceptance report of project ${contract.projectId}`,
        );
      }
      report = doc.sha256;
    }
    Object.assign(milestone, {
      status: 'accepted',
      acceptedBy: actorOf(caller),
      acceptedAt: txTime(ctx),
      acceptanceReport: report,
    });
    const state = await putRecord(ctx, MILESTONE, [contractId, milestoneId], milestone);
    emit(ctx, {
      type: 'contract.milestone_accepted',
      ids: { contractId, milestoneId, projectId: contract.projectId },
      state,
    });
    return state.json;
  }

  /**
   * An inspector attaches a batch of site photos to a milestone: the batch (its Merkle root) must be anchored as
   * photos; the milestone then names it, so any photo can be proven to be evidence of this milestone by its inclusion
   * proof. Before or after acceptance; each batch once, at most MAX_PHOTO_BATCHES per milestone.
   */
  @Transaction()
  @Returns('string')
  async attachMilestonePhotos(ctx: Context, contractId: string, milestoneId: string, batchId: string): Promise<string> {
    await authorize(ctx, 'contract.attachMilestonePhotos');
    const contract = await this.#readContract(ctx, contractId);
    const milestone = await loadMilestone(ctx, contractId, requireId('milestoneId', milestoneId));
    const batch = await loadBatch(ctx, batchId);
    if (batch.kind !== PHOTO_BATCH_KIND)
      throw refuse('rule_broken', `batch ${batch.batchId} holds ${batch.kind}, not ${PHOTO_BATCH_KIND}`);
    const attached = milestone.photoBatches ?? [];
    if (attached.includes(batch.batchId))
      throw refuse('already_exists', `batch ${batch.batchId} is already attached to milestone ${milestoneId}`);
    if (attached.length >= MAX_PHOTO_BATCHES)
      throw refuse('rule_broken', `milestone ${milestoneId} already has ${MAX_PHOTO_BATCHES} photo batches`);
    milestone.photoBatches = [...attached, batch.batchId];
    const state = await putRecord(ctx, MILESTONE, [contractId, milestoneId], milestone);
    emit(ctx, {
      type: 'contract.milestone_photos_attached',
      ids: { contractId, milestoneId, projectId: contract.projectId, batchId: batch.batchId },
      state,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async recordDelay(ctx: Context, contractId: string, delayJson: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.recordDelay');
    const contract = await this.#readContract(ctx, contractId);
    const input = parseDelay(delayJson);
    await loadMilestone(ctx, contractId, input.milestoneId);
    return this.#incident(ctx, contract, { kind: 'delay', ...input, by: actorOf(caller) }, 'contract.delay_recorded');
  }

  @Transaction()
  @Returns('string')
  async recordBreach(ctx: Context, contractId: string, breachJson: string): Promise<string> {
    const caller = await authorize(ctx, 'contract.recordBreach');
    const contract = await this.#readContract(ctx, contractId);
    return this.#incident(
      ctx,
      contract,
      { kind: 'breach', ...parseBreach(breachJson), by: actorOf(caller) },
      'contract.breach_recorded',
    );
  }

  @Transaction(false)
  @Returns('string')
  async readContract(ctx: Context, contractId: string): Promise<string> {
    await authorize(ctx, 'contract.read');
    return canonicalJson(await this.#readContract(ctx, contractId));
  }

  @Transaction(false)
  @Returns('string')
  async readMilestone(ctx: Context, contractId: string, milestoneId: string): Promise<string> {
    await authorize(ctx, 'contract.read');
    return canonicalJson(
      await loadMilestone(ctx, requireId('contractId', contractId), requireId('milestoneId', milestoneId)),
    );
  }

  @Transaction(false)
  @Returns('string')
  async listContractsByProject(ctx: Context, projectId: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'contract.read');
    return canonicalJson(
      await pageByIndex<WorksContract>(
        ctx,
        CONTRACT_BY_PROJECT,
        [requireId('projectId', projectId)],
        pageSize,
        bookmark,
      ),
    );
  }

  /** `list` is one of milestones, changeOrders, progressReports, incidents. */
  @Transaction(false)
  @Returns('string')
  async listByContract(
    ctx: Context,
    contractId: string,
    list: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'contract.read');
    const kind = LISTS[list as keyof typeof LISTS];
    if (!kind) {
      throw refuse(
        'invalid_request',
        `list must be one of ${Object.keys(LISTS).join(', ')}, got ${JSON.stringify(list)}`,
      );
    }
    return canonicalJson(
      await pageRecords<unknown>(ctx, kind, [requireId('contractId', contractId)], pageSize, bookmark),
    );
  }

  async #readContract(ctx: Context, contractId: string): Promise<WorksContract> {
    return loadContract(ctx, requireId('contractId', contractId));
  }

  async #readChangeOrder(ctx: Context, contractId: string, changeOrderId: string): Promise<ChangeOrder> {
    const order = await getRecord<ChangeOrder>(ctx, CHANGE_ORDER, [
      contractId,
      requireId('changeOrderId', changeOrderId),
    ]);
    if (!order) {
      throw refuse('not_found', `change order ${changeOrderId} of contract ${contractId} does not exist`, {
        kind: 'changeOrder',
        id: changeOrderId,
      });
    }
    return order;
  }

  async #incident(
    ctx: Context,
    contract: WorksContract,
    incident: { kind: string; id: string } & Record<string, unknown>,
    type: string,
  ): Promise<string> {
    if (await recordExists(ctx, INCIDENT, [contract.id, incident.id])) {
      throw refuse(
        'already_exists',
        `${incident.kind} record ${incident.id} of contract ${contract.id} already exists`,
      );
    }
    const state = await putRecord(ctx, INCIDENT, [contract.id, incident.id], {
      docType: 'incident',
      contractId: contract.id,
      ...incident,
      at: txTime(ctx),
    });
    emit(ctx, {
      type,
      ids: { contractId: contract.id, incidentId: incident.id, projectId: contract.projectId },
      state,
    });
    return state.json;
  }
}
