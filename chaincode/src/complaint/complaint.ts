/**
 * Public complaints (公众投诉) model. The complaint text stays off-chain; the ledger keeps its salted hash,
 * category, a coarse location, the assigned unit, the deadline and the status history — no personal data.
 */
import { createHash } from 'crypto';
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';

export const COMPLAINT = 'complaint';
export const COMPLAINT_BY_STATUS = 'complaint~status';
export const COMPLAINT_BY_UNIT = 'complaint~unit';

import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_TRANSITIONS,
  ComplaintCategory,
  ComplaintStatus,
  ComplaintStep,
} from '@luohu/domain';
import { refuse } from '../shared/refusal';

export { COMPLAINT_STATUSES, COMPLAINT_TRANSITIONS } from '@luohu/domain';
export type { ComplaintStatus, ComplaintStep } from '@luohu/domain';

/**
 * A complaint on the ledger: the hash of its text, its category, coarse location, unit, deadline and status history.
 */
export interface Complaint {
  docType: 'complaint';
  id: string;
  contentHash: string;
  /** Commits to the citizen's receipt: only whoever holds the receipt token can rate (see `receiptCommitment`). */
  receiptCommitment: string;
  category: ComplaintCategory;
  location: string;
  projectId: string | null;
  assignedUnit: string | null;
  deadline: string;
  status: ComplaintStatus;
  answerHash: string | null;
  rating: { score: number; at: string } | null;
  history: Array<{ step: ComplaintStep | 'receive'; status: ComplaintStatus; at: string; by: Actor; note?: string }>;
}

/** Coarse location: district / street / community names only — no digits, so no house numbers or phone numbers. */
const COARSE_LOCATION = /^[\p{Script=Han}A-Za-z ·/-]{2,50}$/u;

/** A new complaint's JSON argument checked field by field (unknown fields refused, so no personal data gets in). */
export function parseComplaint(json: string) {
  const input = Input.parse('complaint', json);
  const value = {
    id: input.id('id'),
    contentHash: input.hex64('contentHash'),
    receiptCommitment: input.hex64('receiptCommitment'),
    category: input.oneOf('category', COMPLAINT_CATEGORIES),
    location: input.text('location', 50),
    projectId: input.optional('projectId', (f) => input.id(f)) ?? null,
    deadline: input.day('deadline'),
  };
  input.done();
  if (!COARSE_LOCATION.test(value.location)) {
    throw refuse(
      'invalid_request',
      'complaint.location must be a coarse place name (district/street/community, no digits)',
    );
  }
  return value;
}

/** Applies a step of the state machine and returns the status it left, or refuses it naming the allowed ones. */
export function advanceComplaint(complaint: Complaint, step: ComplaintStep): ComplaintStatus {
  const rule = COMPLAINT_TRANSITIONS[step];
  if (!(rule.from as readonly ComplaintStatus[]).includes(complaint.status)) {
    throw refuse(
      'illegal_transition',
      `complaint ${complaint.id} cannot ${step} while ${complaint.status} (allowed from: ${rule.from.join(', ')})`,
    );
  }
  const from = complaint.status;
  complaint.status = rule.to;
  return from;
}

/**
 * The commitment to a citizen's receipt that `receiveComplaint` records. The rating proof is an HMAC of the complaint
 * id under the receipt token (computed by whoever holds the token); the ledger keeps only this hash of it, so neither
 * the token nor the proof is on the ledger before the one rating that presents the proof — and the proof, once
 * presented, reveals nothing of the token (which still opens the citizen's view of the complaint).
 */
export function receiptCommitment(complaintId: string, ratingProof: string): string {
  return createHash('sha256')
    .update(`luohu-complaint-receipt\0${complaintId}\0${ratingProof.toLowerCase()}`)
    .digest('hex');
}
