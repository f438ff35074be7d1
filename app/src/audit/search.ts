import { RECORD_KINDS } from '@luohu/domain';

/**
 * Where an auditor's search leads: a transaction (a document's hash too: 64 hex characters either way, so the
 * transaction view offers the document when no transaction has that ID), a block, a record's history (`payout/PO-1`,
 * `milestone/HT001/M1`), or a project's page (its story and receipts).
 */
export function searchTarget(query: string): string | undefined {
  const q = query.trim();
  const record = recordOfKey(q);
  if (record) return recordPath(record.kind, record.id);
  if (/^[0-9a-fA-F]{64}$/.test(q)) return `/audit/tx/${q.toLowerCase()}`;
  if (/^\d{1,19}$/.test(q)) return `/audit/blocks/${q}`;
  if (/^[A-Za-z0-9._:-]{1,128}$/.test(q)) return `/projects/${q}`;
  return undefined;
}

/** A record's history (every version with its receipt) in the auditor's workspace. */
export const recordPath = (kind: string, id: string): string => `/audit/records/${kind}/${encodeURIComponent(id)}`;

/** Record kinds the evidence bundles cover (GET /v1/evidence/{recordType}/{id}): every ledger record kind. */
const EVIDENCE_KINDS: ReadonlySet<string> = new Set(RECORD_KINDS);

/**
 * The record a written key holds, when an evidence bundle can prove it: keys read `kind/part/…` (composite keys), and
 * index keys (their kind has a `~`) are not records.
 */
export function recordOfKey(key: string): { kind: string; id: string } | undefined {
  const [kind, ...parts] = key.split('/');
  if (!EVIDENCE_KINDS.has(kind) || parts.length === 0) return undefined;
  return { kind, id: parts.join('/') };
}
