/** Contract `complaint`: public complaints from receipt to closing, with reopening, escalation and rating. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { Caller, HOUSING, actorOf, authorize } from '../shared/access';
import { COMPLAINT_DISPATCH_OFFICE, departmentOf, departmentsWith, requireDepartment } from '../shared/departments';
import {
  emit,
  getRecord,
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
import { requireDay, requireHex64, requireId, requireInt, requireOneOf, requireText } from '../shared/validate';
import { loadProject } from '../approval/approval';
import {
  COMPLAINT,
  COMPLAINT_BY_STATUS,
  COMPLAINT_BY_UNIT,
  COMPLAINT_STATUSES,
  Complaint,
  ComplaintStatus,
  ComplaintStep,
  advanceComplaint,
  parseComplaint,
  receiptCommitment,
} from './complaint';
import { refuse } from '../shared/refusal';

/**
 * The `complaint` namespace's transactions: receive, dispatch, start, answer, close, reopen, escalate, rate, and reads.
 */
@Info({ title: 'complaint', description: 'Public complaints (公众投诉)' })
export class ComplaintContract extends Contract {
  constructor() {
    super('complaint');
  }

  @Transaction()
  @Returns('string')
  async receiveComplaint(ctx: Context, complaintJson: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.receiveComplaint');
    requireDepartment(caller, 'intake'); // only the intake desk (the gateway's system user), never a handling clerk
    const input = parseComplaint(complaintJson);
    if (input.projectId) {
      await loadProject(ctx, input.projectId);
    }
    if (await recordExists(ctx, COMPLAINT, [input.id])) {
      throw refuse('already_exists', `complaint ${input.id} already exists`, { kind: 'complaint', id: input.id });
    }
    const complaint: Complaint = {
      docType: 'complaint',
      ...input,
      assignedUnit: null,
      status: 'received',
      answerHash: null,
      rating: null,
      history: [{ step: 'receive', status: 'received', at: txTime(ctx), by: actorOf(caller) }],
    };
    await putIndex(
      ctx,
      COMPLAINT_BY_STATUS,
      [complaint.status, complaint.id],
      recordKey(ctx, COMPLAINT, [complaint.id]),
    );
    return this.#save(ctx, complaint, 'complaint.received');
  }

  /** Assigns the unit (a `dept` code) that must handle it, with the deadline from the caller's working-day calendar. */
  @Transaction()
  @Returns('string')
  async dispatchComplaint(ctx: Context, complaintId: string, unit: string, deadline: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.dispatchComplaint');
    this.#requireOffice(caller, 'dispatch');
    const complaint = await this.#readComplaint(ctx, complaintId);
    requireId('unit', unit);
    const units = departmentsWith('complaints', HOUSING);
    if (!(units as string[]).includes(unit)) {
      throw refuse(
        'invalid_request',
        `unit must be a Housing department that handles complaints (${units.join(', ')}), got ${unit}`,
      );
    }
    requireDay('deadline', deadline);
    const from = this.#step(ctx, complaint, 'dispatch', caller, `to ${unit} by ${deadline}`);
    const key = recordKey(ctx, COMPLAINT, [complaint.id]);
    if (complaint.assignedUnit) {
      await moveIndex(ctx, COMPLAINT_BY_UNIT, [complaint.assignedUnit, complaint.id], [unit, complaint.id], key);
    } else {
      await putIndex(ctx, COMPLAINT_BY_UNIT, [unit, complaint.id], key);
    }
    Object.assign(complaint, { assignedUnit: unit, deadline });
    await this.#moveStatus(ctx, complaint, from);
    return this.#save(ctx, complaint, 'complaint.dispatched');
  }

  @Transaction()
  @Returns('string')
  async startComplaint(ctx: Context, complaintId: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.startComplaint');
    const complaint = await this.#readComplaint(ctx, complaintId);
    this.#requireAssignedUnit(complaint, caller);
    return this.#transition(ctx, complaint, 'start', caller, undefined, 'complaint.in_progress');
  }

  @Transaction()
  @Returns('string')
  async answerComplaint(ctx: Context, complaintId: string, answerHash: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.answerComplaint');
    const complaint = await this.#readComplaint(ctx, complaintId);
    this.#requireAssignedUnit(complaint, caller);
    complaint.answerHash = requireHex64('answerHash', answerHash);
    return this.#transition(ctx, complaint, 'answer', caller, undefined, 'complaint.answered');
  }

  @Transaction()
  @Returns('string')
  async closeComplaint(ctx: Context, complaintId: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.closeComplaint');
    const complaint = await this.#readComplaint(ctx, complaintId);
    this.#requireAssignedUnit(complaint, caller); // like answering: only the unit that answered closes
    return this.#transition(ctx, complaint, 'close', caller, undefined, 'complaint.closed');
  }

  @Transaction()
  @Returns('string')
  async reopenComplaint(ctx: Context, complaintId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.reopenComplaint');
    requireText('reason', reason, 1000);
    const complaint = await this.#readComplaint(ctx, complaintId);
    this.#requireAssignedUnit(complaint, caller);
    return this.#transition(ctx, complaint, 'reopen', caller, reason, 'complaint.reopened');
  }

  /** Escalation is allowed only once the deadline has passed (by the transaction's date) without an answer. */
  @Transaction()
  @Returns('string')
  async escalateComplaint(ctx: Context, complaintId: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.escalateComplaint');
    this.#requireOffice(caller, 'escalate');
    const complaint = await this.#readComplaint(ctx, complaintId);
    const today = txDay(ctx);
    if (today <= complaint.deadline) {
      throw refuse(
        'rule_broken',
        `complaint ${complaintId} is not overdue: its deadline ${complaint.deadline} has not passed (today ${today})`,
      );
    }
    return this.#transition(
      ctx,
      complaint,
      'escalate',
      caller,
      `overdue since ${complaint.deadline}`,
      'complaint.escalated',
    );
  }

  /**
   * The citizen's 1–5 satisfaction rating, recorded once after an answer by the intake desk, which must present the
   * rating proof derived from the citizen's receipt token: a key alone cannot rate in a citizen's name.
   */
  @Transaction()
  @Returns('string')
  async rateComplaint(ctx: Context, complaintId: string, score: string, ratingProof: string): Promise<string> {
    const caller = await authorize(ctx, 'complaint.rateComplaint');
    requireDepartment(caller, 'intake');
    const complaint = await this.#readComplaint(ctx, complaintId);
    const value = requireInt('score', score, 1, 5);
    if (receiptCommitment(complaint.id, requireHex64('ratingProof', ratingProof)) !== complaint.receiptCommitment) {
      throw refuse(
        'forbidden',
        `access denied: the rating proof does not match the receipt of complaint ${complaint.id}`,
      );
    }
    if (complaint.status !== 'answered' && complaint.status !== 'closed') {
      throw refuse(
        'illegal_transition',
        `complaint ${complaintId} is ${complaint.status}; it can be rated only once answered or closed`,
      );
    }
    if (complaint.rating) {
      throw refuse('illegal_transition', `complaint ${complaintId} is already rated`);
    }
    complaint.rating = { score: value, at: txTime(ctx) };
    return this.#save(ctx, complaint, 'complaint.rated');
  }

  @Transaction(false)
  @Returns('string')
  async readComplaint(ctx: Context, complaintId: string): Promise<string> {
    await authorize(ctx, 'complaint.read');
    return canonicalJson(await this.#readComplaint(ctx, complaintId));
  }

  @Transaction(false)
  @Returns('string')
  async listComplaintsByStatus(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'complaint.read');
    return canonicalJson(
      await pageByIndex<Complaint>(
        ctx,
        COMPLAINT_BY_STATUS,
        [requireOneOf('status', status, COMPLAINT_STATUSES)],
        pageSize,
        bookmark,
      ),
    );
  }

  @Transaction(false)
  @Returns('string')
  async listComplaintsByUnit(ctx: Context, unit: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'complaint.read');
    return canonicalJson(
      await pageByIndex<Complaint>(ctx, COMPLAINT_BY_UNIT, [requireId('unit', unit)], pageSize, bookmark),
    );
  }

  async #readComplaint(ctx: Context, complaintId: string): Promise<Complaint> {
    const complaint = await getRecord<Complaint>(ctx, COMPLAINT, [requireId('complaintId', complaintId)]);
    if (!complaint) {
      throw refuse('not_found', `complaint ${complaintId} does not exist`, { kind: 'complaint', id: complaintId });
    }
    return complaint;
  }

  /** A Housing clerk of a unit that handles complaints, and of the unit the complaint is assigned to. */
  #requireAssignedUnit(complaint: Complaint, caller: Caller): void {
    requireDepartment(caller, 'complaints');
    if (!complaint.assignedUnit || caller.dept !== complaint.assignedUnit) {
      throw refuse(
        'forbidden',
        `complaint ${complaint.id} is assigned to ${complaint.assignedUnit ?? '(no unit)'}; a clerk of department ${caller.dept ?? '(none)'} cannot handle it`,
      );
    }
  }

  /** Dispatching is the dispatch office's; escalating also the supervision desk's (the gateway's scheduler). */
  #requireOffice(caller: Caller, what: 'dispatch' | 'escalate'): void {
    const supervision = what === 'escalate' && (departmentOf(caller.dept)?.duties ?? []).includes('supervision');
    requireDepartment(caller, supervision ? 'supervision' : 'complaints'); // a department of the caller's own bureau
    if (!supervision && caller.dept !== COMPLAINT_DISPATCH_OFFICE) {
      throw refuse(
        'forbidden',
        `access denied: complaints are ${what === 'dispatch' ? 'dispatched' : 'escalated'} by the ${COMPLAINT_DISPATCH_OFFICE} office, not by department ${caller.dept}`,
      );
    }
  }

  #step(ctx: Context, complaint: Complaint, step: ComplaintStep, caller: Caller, note?: string): ComplaintStatus {
    const from = advanceComplaint(complaint, step);
    complaint.history.push({
      step,
      status: complaint.status,
      at: txTime(ctx),
      by: actorOf(caller),
      ...(note ? { note } : {}),
    });
    return from;
  }

  async #transition(
    ctx: Context,
    complaint: Complaint,
    step: ComplaintStep,
    caller: Caller,
    note: string | undefined,
    type: string,
  ): Promise<string> {
    const from = this.#step(ctx, complaint, step, caller, note);
    await this.#moveStatus(ctx, complaint, from);
    return this.#save(ctx, complaint, type);
  }

  async #moveStatus(ctx: Context, complaint: Complaint, from: ComplaintStatus): Promise<void> {
    await moveIndex(
      ctx,
      COMPLAINT_BY_STATUS,
      [from, complaint.id],
      [complaint.status, complaint.id],
      recordKey(ctx, COMPLAINT, [complaint.id]),
    );
  }

  async #save(ctx: Context, complaint: Complaint, type: string): Promise<string> {
    const state = await putRecord(ctx, COMPLAINT, [complaint.id], complaint);
    emit(ctx, {
      type,
      ids: {
        complaintId: complaint.id,
        status: complaint.status,
        ...(complaint.assignedUnit ? { unit: complaint.assignedUnit } : {}),
      },
      state,
    });
    return state.json;
  }
}
