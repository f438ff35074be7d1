/**
 * After a ledger event, the app re-reads what is on screen. Which cached queries an event makes stale, by the
 * first element of their TanStack Query key: every page names its queries after the records it shows.
 */
const STALE_BY_FAMILY: Record<string, readonly string[]> = {
  approval: ['projects', 'project', 'work-queue', 'applications', 'dashboard'],
  document: ['documents', 'project', 'sealed-documents'],
  contract: ['contracts', 'contract', 'milestones', 'project', 'inspection', 'dashboard'],
  payment: ['payouts', 'payout', 'contracts', 'contract', 'bank-transfers', 'payment-alerts', 'finance', 'dashboard'],
  monitoring: ['alerts', 'work-queue', 'project', 'dashboard'],
  complaint: ['complaints', 'work-queue', 'dashboard'],
  registry: ['users', 'contractors', 'seal-certificates', 'admin'],
  anchor: ['batch-anchors', 'inspection'],
  audit: ['attestations', 'reconciliation', 'audit'],
};

/** The query-key roots an event of this type makes stale (its family is the part of the type before the dot). */
export function staleQueryRoots(eventType: string): readonly string[] {
  return STALE_BY_FAMILY[eventType.split('.')[0]] ?? [];
}

/**
 * Which queries a gateway notice (not a ledger event) makes stale: a reconciliation finding or a run that ended
 * (sent to auditors and admins only) re-reads the auditor's reconciliation runs and findings.
 */
const STALE_BY_NOTICE: Record<string, readonly string[]> = {
  'reconciliation-finding': ['reconciliation'],
  'reconciliation-run-ended': ['reconciliation'],
};

/** The query-key roots a gateway notice makes stale. */
export function noticeStaleRoots(name: string): readonly string[] {
  return STALE_BY_NOTICE[name] ?? [];
}

/** A safety alert just raised: the one event that also pops up as a notification (clerks must see it at once). */
export const isNewAlert = (eventType: string) => eventType === 'monitoring.safety_alert_raised';
