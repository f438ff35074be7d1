import type { ReadModelDocument } from '../projection/read-model';
import { isCategory } from './classifier';
import { serviceOf } from './catalogue';
import type { PrivateComplaint } from './private-store';

/** The ledger record as projected (only the fields the views use). */
export interface LedgerComplaint {
  id: string;
  contentHash: string;
  category: string;
  location: string;
  assignedUnit: string | null;
  deadline: string;
  status: string;
  answerHash: string | null;
  rating: { score: number; at: string } | null;
  history: Array<{ step: string; status: string; at: string; by?: unknown; note?: string }>;
}

const serviceName = (code: string) => (isCategory(code) ? serviceOf(code).name : code);
/** Open311 knows only open and closed; the detailed status is ours. */
export const open311Status = (status: string) => (status === 'closed' ? 'closed' : 'open');

/**
 * What anyone may see of a request (Open311 GET /requests): no description (citizens write names and phone numbers
 * into it), no contact, no exact address — the category, the coarse place, the unit, the dates and the status.
 */
export function publicView(c: LedgerComplaint) {
  return {
    service_request_id: c.id,
    status: open311Status(c.status),
    detailed_status: c.status,
    service_code: c.category,
    service_name: serviceName(c.category),
    agency_responsible: c.assignedUnit,
    address: c.location,
    requested_datetime: c.history[0]?.at ?? null,
    updated_datetime: c.history[c.history.length - 1]?.at ?? null,
    expected_datetime: `${c.deadline}T23:59:59+08:00`,
  };
}

/** The answer text whose salted hash the ledger holds (drafts that never committed are never shown). */
export function committedAnswer(c: Pick<LedgerComplaint, 'answerHash'>, p: PrivateComplaint): string | null {
  return p.answers.find((a) => a.hash === c.answerHash)?.text ?? null;
}

/**
 * What the holder of the receipt token sees: their own text and place, the answer, the rating. Never contact details.
 */
export function citizenView(c: LedgerComplaint, p: PrivateComplaint) {
  return {
    ...publicView(c),
    description: p.content.description,
    address_string: p.content.address_string,
    lat: p.content.lat,
    long: p.content.long,
    media_url: p.content.media_url,
    status_notes: committedAnswer(c, p),
    rating: c.rating,
  };
}

/** Staff: the ledger record plus the off-chain content; contact details only for the roles that call citizens back. */
export function staffView(c: Record<string, unknown>, p: PrivateComplaint | null, withContact: boolean) {
  return {
    ...c,
    content: p ? { ...p.content } : null,
    contact: withContact ? (p?.contact ?? null) : undefined,
    classification: p ? { ...p.classification, requestedCode: p.requestedCode } : null,
    answer: p ? committedAnswer(c as unknown as LedgerComplaint, p) : null,
    ratingComment: p?.ratingComment ?? null,
  };
}

/** A read-model complaint document, read as the ledger record it mirrors. */
export const asLedgerComplaint = (doc: ReadModelDocument | Record<string, unknown>) =>
  doc as unknown as LedgerComplaint;
