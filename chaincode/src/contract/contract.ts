/** Contract performance (合同履约) model: works contracts, milestones, change orders, progress, delays and breaches. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';
import { refuse } from '../shared/refusal';

export const CONTRACT = 'contract';
export const CONTRACT_BY_PROJECT = 'contract~project';
export const MILESTONE = 'milestone';
export const CHANGE_ORDER = 'changeOrder';
export const PROGRESS = 'progressReport';
export const INCIDENT = 'incident';

export const MAX_RETENTION_PERCENT = 3;

/** Where the contractor is paid: fixed when the contract is signed, changed only by an approved change order. */
export interface Payee {
  name: string;
  account: string;
}

/**
 * A works contract on the ledger: parties, payee, sum (original and after change orders), retention, and its
 * milestones.
 */
export interface WorksContract {
  docType: 'contract';
  id: string;
  projectId: string;
  title: string;
  employer: string;
  contractorId: string;
  payee: Payee;
  originalSum: number;
  sum: number;
  retentionPercent: number;
  retentionAmount: number;
  milestoneIds: string[];
  approvedChangeOrders: string[];
  createdBy: Actor;
  createdAt: string;
  updatedAt: string;
}

/** A milestone of a contract: what is due when, for how much, its latest progress, and its acceptance. */
export interface Milestone {
  docType: 'milestone';
  contractId: string;
  id: string;
  name: string;
  plannedDate: string;
  amount: number;
  status: 'planned' | 'accepted';
  latestProgress: { plannedPercent: number; actualPercent: number; reportDate: string } | null;
  acceptedBy?: Actor;
  acceptedAt?: string;
  acceptanceReport?: string | null;
  /** Batches of site photos (Merkle roots anchored as kind `photos`) an inspector attached, oldest first. */
  photoBatches?: string[];
}

/** What a change order does to one milestone: its new amount, and a new name or date if they change. */
export interface MilestoneChange {
  milestoneId: string;
  amount: number;
  name?: string;
  plannedDate?: string;
}

/** A change order: milestone changes (and perhaps a new payee), their effect on the sum, and its decision. */
export interface ChangeOrder {
  docType: 'changeOrder';
  contractId: string;
  id: string;
  reason: string;
  changes: MilestoneChange[];
  /** A new payee account, if the order changes it. */
  payee?: Payee;
  delta: number;
  status: 'proposed' | 'approved' | 'rejected';
  proposedBy: Actor;
  proposedAt: string;
  decidedBy?: Actor;
  decidedAt?: string;
  decisionReason?: string;
}

/**
 * A retention percentage in basis points; refused with more than two decimals, which integer fen could not honour
 * exactly.
 */
export function retentionBasisPoints(percent: number): number {
  const bp = Math.round(percent * 100);
  if (Math.abs(percent * 100 - bp) > 1e-9) {
    throw refuse('invalid_request', `contract.retentionPercent ${percent} may have at most two decimals`);
  }
  return bp;
}

/** Retention withheld from payouts: floor(sum × percent / 100), in integer fen. */
export function retentionOf(sum: number, percent: number): number {
  return Number((BigInt(sum) * BigInt(retentionBasisPoints(percent))) / 10000n);
}

/** The most that may ever be paid out on this contract. */
export function payableCap(contract: WorksContract): number {
  return contract.sum - contract.retentionAmount;
}

const ACCOUNT = /^[0-9A-Z]{8,34}$/;

/** A payee: the account holder's name and an account number (bank card or IBAN-like: 8–34 digits or capitals). */
function payeeOf(input: Input, field: string): Payee {
  const p = new Input(input.name(field), input.raw(field));
  const value = { name: p.text('name', 200), account: p.text('account', 34) };
  p.done();
  if (!ACCOUNT.test(value.account)) {
    throw refuse('invalid_request', `${p.name('account')} must be 8 to 34 digits or capital letters`);
  }
  return value;
}

/** A new contract's JSON argument checked field by field (unknown fields refused). */
export function parseContract(json: string) {
  const input = Input.parse('contract', json);
  const value = {
    id: input.id('id'),
    projectId: input.id('projectId'),
    title: input.text('title', 300),
    employer: input.text('employer', 200),
    contractorId: input.id('contractorId'),
    payee: payeeOf(input, 'payee'),
    sum: input.int('sum', 1),
    retentionPercent: input.num('retentionPercent', 0, Number.MAX_SAFE_INTEGER),
    milestones: input.objects(
      'milestones',
      (m) => ({
        id: m.id('id'),
        name: m.text('name', 200),
        plannedDate: m.day('plannedDate'),
        amount: m.int('amount', 1),
      }),
      1,
      100,
    ),
  };
  input.done();
  if (value.retentionPercent > MAX_RETENTION_PERCENT) {
    throw refuse(
      'rule_broken',
      `contract ${value.id}: retention ${value.retentionPercent}% exceeds the ${MAX_RETENTION_PERCENT}% limit`,
    );
  }
  retentionBasisPoints(value.retentionPercent);
  const ids = value.milestones.map((m) => m.id);
  if (new Set(ids).size !== ids.length) {
    throw refuse('invalid_request', `contract ${value.id}: milestone ids must be unique`);
  }
  const total = value.milestones.reduce((acc, m) => acc + m.amount, 0);
  if (total !== value.sum) {
    throw refuse(
      'rule_broken',
      `contract ${value.id}: milestone amounts sum to ${total} but the contract sum is ${value.sum}`,
    );
  }
  return value;
}

/** A change order's JSON argument checked field by field (unknown fields refused). */
export function parseChangeOrder(json: string) {
  const input = Input.parse('changeOrder', json);
  const value = {
    id: input.id('id'),
    reason: input.text('reason', 2000),
    changes: input.objects(
      'changes',
      (c): MilestoneChange => ({
        milestoneId: c.id('milestoneId'),
        amount: c.int('amount', 1),
        name: c.optional('name', (f) => c.text(f, 200)),
        plannedDate: c.optional('plannedDate', (f) => c.day(f)),
      }),
      0,
      100,
    ),
    payee: input.optional('payee', (f) => payeeOf(input, f)),
  };
  input.done();
  if (value.changes.length === 0 && !value.payee) {
    throw refuse('invalid_request', `changeOrder ${value.id} must change a milestone or the payee`);
  }
  return value;
}

/** A progress report's JSON argument: planned and actual percent at a date, of a milestone or the whole contract. */
export function parseProgress(json: string) {
  const input = Input.parse('progressReport', json);
  const value = {
    id: input.id('id'),
    milestoneId: input.optional('milestoneId', (f) => input.id(f)) ?? null,
    plannedPercent: input.num('plannedPercent', 0, 100),
    actualPercent: input.num('actualPercent', 0, 100),
    reportDate: input.day('reportDate'),
  };
  input.done();
  return value;
}

/** A delay's JSON argument: the milestone, how many days, and why. */
export function parseDelay(json: string) {
  const input = Input.parse('delay', json);
  const value = {
    id: input.id('id'),
    milestoneId: input.id('milestoneId'),
    days: input.int('days', 1, 3650),
    cause: input.text('cause', 1000),
  };
  input.done();
  return value;
}

/** A breach's JSON argument: which party, the clause, what happened, and the penalty (fen). */
export function parseBreach(json: string) {
  const input = Input.parse('breach', json);
  const value = {
    id: input.id('id'),
    party: input.oneOf('party', ['employer', 'contractor'] as const),
    clause: input.text('clause', 100),
    description: input.text('description', 2000),
    penalty: input.int('penalty', 0),
  };
  input.done();
  return value;
}

/** The contract with this id, or a not_found refusal. */
export async function loadContract(ctx: Context, id: string): Promise<WorksContract> {
  const contract = await getRecord<WorksContract>(ctx, CONTRACT, [id]);
  if (!contract) {
    throw refuse('not_found', `contract ${id} does not exist`, { kind: 'contract', id: id });
  }
  return contract;
}

/** The contract's milestone with this id, or a not_found refusal. */
export async function loadMilestone(ctx: Context, contractId: string, milestoneId: string): Promise<Milestone> {
  const milestone = await getRecord<Milestone>(ctx, MILESTONE, [contractId, milestoneId]);
  if (!milestone) {
    throw refuse('not_found', `milestone ${milestoneId} of contract ${contractId} does not exist`, {
      kind: 'milestone',
      id: milestoneId,
    });
  }
  return milestone;
}
