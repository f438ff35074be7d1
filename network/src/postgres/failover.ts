import type { Roles } from './roles';

/** What the keeper saw of the two clusters at one tick. */
export interface Observation {
  /**
   * The primary refused connections (nothing listens: its process is gone) since this time (ms), or null while it
   * answers. A primary that is only slow is never declared dead: promoting beside a live primary would split the data.
   */
  primaryRefusedSince: number | null;
  /** The primary answered the keeper's query this tick (the fields below are only known then). */
  primaryAnswered: boolean;
  /**
   * The cluster recorded as the primary is still in recovery: the keeper recorded a promotion and did not see it
   * through (its `pg_promote` failed or it died after recording).
   */
  primaryInRecovery: boolean;
  /** The standby answers and is in recovery (a standby, not promoted). */
  standbyUp: boolean;
  /** The primary's walsender to the standby is streaming (caught up to the point of following live). */
  standbyStreaming: boolean;
  /** The primary waits for a standby at commit (synchronous_standby_names is set). */
  syncRequired: boolean;
  /**
   * The primary lists the standby as `sync` and the standby has flushed everything up to the primary's WAL position at
   * the time synchronous replication was required: every commit acknowledged before is on the standby too.
   */
  standbyHasEverything: boolean;
  now: number;
}

export type Action =
  | { kind: 'wait' }
  /** Promote the standby: fence the old primary, record the new roles, then promote. */
  | { kind: 'promote' }
  /** The recorded primary is still a standby: promote it (the roles file is the one place that says which leads). */
  | { kind: 'finish-promotion' }
  /** The standby streams: make the primary wait for it at commit. */
  | { kind: 'require-sync' }
  /** Record that the standby holds everything (the condition for promoting it). */
  | { kind: 'record-synchronous' }
  /** The standby is gone: record that it may be behind, then stop waiting for it (commits would hang). */
  | { kind: 'give-up-sync' };

/**
 * How long the primary must refuse connections before the standby is promoted: a SIGKILLed PostgreSQL refuses at
 * once; a few ticks keep a refusal during the primary's own restart by an operator from costing a failover.
 */
export const FAILOVER_AFTER_MS = 600;

/** The keeper's one decision per tick, from the recorded roles and what it saw. */
export function decide(roles: Roles, o: Observation): Action {
  if (o.primaryRefusedSince !== null) {
    const dead = o.now - o.primaryRefusedSince >= FAILOVER_AFTER_MS;
    // A standby not known to hold every acknowledged commit is never promoted: better an outage than a lost write.
    return dead && o.standbyUp && roles.synchronous ? { kind: 'promote' } : { kind: 'wait' };
  }
  if (!o.primaryAnswered) return { kind: 'wait' };
  if (o.primaryInRecovery) return { kind: 'finish-promotion' };
  if (o.syncRequired && !o.standbyStreaming) return { kind: 'give-up-sync' };
  if (!o.syncRequired && o.standbyStreaming) return { kind: 'require-sync' };
  if (o.syncRequired && o.standbyHasEverything && !roles.synchronous) return { kind: 'record-synchronous' };
  return { kind: 'wait' };
}
