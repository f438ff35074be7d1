/**
 * How the chaincode says no. A refusal carries a stable code, a sentence for people, and the record it is about;
 * it crosses Fabric as the error message, encoded as canonical JSON, and the gateway maps the code to an HTTP status
 * with one table (gateway/src/ledger/errors.ts). Clients branch on the code, never on the sentence.
 */
import { canonicalJson } from './canonical-json';

export const REFUSAL_CODES = [
  /** An argument is malformed or out of range (names the field). */
  'invalid_request',
  /** The caller's certificate (MSP, role, department, company, enrollment ID) does not allow it. */
  'forbidden',
  /** The record it names is not on the ledger. */
  'not_found',
  /** A record with that key (or a unique value, e.g. a credit code) is on the ledger already. */
  'already_exists',
  /** The record is not in a status this step may start from. */
  'illegal_transition',
  /**
   * A payout above what the milestone, contract or budget leaves. The chaincode commits a payment alert instead of
   * the payout (so the attempt is on record), and the gateway answers the committed alert with this code.
   */
  'overpayment_refused',
  /** Any other business rule (qualification, deadlines, dual approval, documents, evidence…). */
  'rule_broken',
] as const;
/** The stable reason of a refusal, for clients to branch on. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** What a refusal is about: the record's kind and key (e.g. `{ kind: 'project', id: 'P-1' }`). */
export interface RefusalSubject {
  kind?: string;
  id: string;
}

/** A chaincode refusal: its code, a sentence for people, and the record it is about. */
export interface Refusal {
  code: RefusalCode;
  message: string;
  subject?: RefusalSubject;
}

/** The wire form: canonical JSON, so the same refusal is the same bytes on every endorsing peer. */
export function encodeRefusal(refusal: Refusal): string {
  return canonicalJson(refusal);
}

/** The refusal in a chaincode error message, or undefined when the text is not one (e.g. a shim or peer error). */
export function decodeRefusal(text: string): Refusal | undefined {
  if (!text.startsWith('{"code":')) {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Refusal>;
    if (
      typeof value.code !== 'string' ||
      !(REFUSAL_CODES as readonly string[]).includes(value.code) ||
      typeof value.message !== 'string'
    ) {
      return undefined;
    }
    return { code: value.code, message: value.message, ...(value.subject ? { subject: value.subject } : {}) };
  } catch {
    return undefined;
  }
}
