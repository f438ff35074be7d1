import { RECORD_KINDS } from '@luohu/domain';

/** Where an auditor's search leads: a transaction, a block, or a project's page (its story and receipts). */
export function searchTarget(query: string): string | undefined {
  const q = query.trim();
  if (/^[0-9a-fA-F]{64}$/.test(q)) return `/audit/tx/${q.toLowerCase()}`;
  if (/^\d{1,19}$/.test(q)) return `/audit/blocks/${q}`;
  if (/^[A-Za-z0-9._:-]{1,128}$/.test(q)) return `/projects/${q}`;
  return undefined;
}

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
