import { expect } from 'chai';
import { decide, FAILOVER_AFTER_MS, type Observation } from '../src/postgres/failover';
import type { Roles } from '../src/postgres/roles';

/** The PostgreSQL keeper's decision, without a cluster: when it promotes, and when it must not. */
describe("the PostgreSQL keeper's decision (pure)", () => {
  const now = 1_000_000;
  const roles = (synchronous: boolean): Roles => ({ primary: 'database-postgres', synchronous, changedAt: 0 });
  const healthy: Observation = {
    primaryRefusedSince: null,
    primaryAnswered: true,
    primaryInRecovery: false,
    standbyUp: true,
    standbyStreaming: true,
    syncRequired: true,
    standbyHasEverything: true,
    now,
  };
  const primaryDead = (forMs: number): Observation => ({
    ...healthy,
    primaryRefusedSince: now - forMs,
    primaryAnswered: false,
    standbyStreaming: false,
  });

  it('when the primary has refused connections long enough and the standby held every commit, then it is promoted', () => {
    expect(decide(roles(true), primaryDead(FAILOVER_AFTER_MS)).kind).to.equal('promote');
  });

  it('when the primary has only just refused, then the keeper waits (a restart is not a death)', () => {
    expect(decide(roles(true), primaryDead(FAILOVER_AFTER_MS - 1)).kind).to.equal('wait');
  });

  it('when the standby was not known to hold every acknowledged commit, then it is never promoted', () => {
    expect(decide(roles(false), primaryDead(60_000)).kind).to.equal('wait');
  });

  it('when the standby is down too, then nothing is promoted', () => {
    expect(decide(roles(true), { ...primaryDead(60_000), standbyUp: false }).kind).to.equal('wait');
  });

  it('when the primary only failed to answer in time (slow, not refusing), then nothing is promoted', () => {
    const slow = { ...healthy, primaryAnswered: false, standbyStreaming: false };
    expect(decide(roles(true), slow).kind).to.equal('wait');
  });

  it('when the cluster recorded as the primary answers still in recovery, then its promotion is finished', () => {
    expect(decide(roles(false), { ...healthy, primaryInRecovery: true, standbyStreaming: false }).kind).to.equal(
      'finish-promotion',
    );
  });

  it('when commits wait for a standby that no longer streams, then synchronous replication is given up', () => {
    expect(decide(roles(true), { ...healthy, standbyStreaming: false }).kind).to.equal('give-up-sync');
  });

  it('when the standby streams and commits do not wait for it, then they are made to', () => {
    expect(decide(roles(false), { ...healthy, syncRequired: false, standbyHasEverything: false }).kind).to.equal(
      'require-sync',
    );
  });

  it('when the standby is synchronous and has flushed everything acknowledged before, then that is recorded', () => {
    expect(decide(roles(false), healthy).kind).to.equal('record-synchronous');
    expect(decide(roles(false), { ...healthy, standbyHasEverything: false }).kind).to.equal('wait');
    expect(decide(roles(true), healthy).kind).to.equal('wait');
  });
});
