import { describe, expect, it } from 'vitest';
import { NOTICES } from './live-connection';
import { isNewAlert, noticeStaleRoots, staleQueryRoots } from './stale-queries';

describe('which queries a ledger event makes stale', () => {
  it('when a safety alert is raised, then the work queue and alert lists are re-read and it pops up', () => {
    expect(staleQueryRoots('monitoring.safety_alert_raised')).toEqual(expect.arrayContaining(['work-queue', 'alerts']));
    expect(isNewAlert('monitoring.safety_alert_raised')).toBe(true);
    expect(isNewAlert('monitoring.safety_alert_acknowledged')).toBe(false);
  });
  it('when a payout is approved, then the finance pages are re-read, and the work queue is not', () => {
    expect(staleQueryRoots('payment.approved')).toEqual(expect.arrayContaining(['payouts', 'payout']));
    expect(staleQueryRoots('payment.approved')).not.toContain('work-queue');
  });
  it('when an event of an unknown family arrives, then nothing is re-read', () => {
    expect(staleQueryRoots('unknown')).toEqual([]);
  });
});

describe('which queries a gateway notice makes stale', () => {
  it('when a reconciliation finding or the end of a run is pushed, then the reconciliation runs and findings are re-read', () => {
    for (const name of NOTICES) expect(noticeStaleRoots(name)).toEqual(['reconciliation']);
  });
  it('when an unknown notice arrives, then nothing is re-read', () => {
    expect(noticeStaleRoots('something-else')).toEqual([]);
  });
});
