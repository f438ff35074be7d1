import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { LedgerUnavailable } from '../../src/ledger/errors';
import { CATCH_UP_MS, furthestAlong, refusalToRecheck, type Clock } from '../../src/ledger/lagging-peers';

const BUREAUS = ['HousingMSP', 'FinanceMSP', 'AuditMSP'];

function refusedBy(mspId: string, message = 'chaincode response 500, {"code":"not_found"}'): EndorseError {
  return new EndorseError({
    code: status.ABORTED,
    details: [{ mspId, address: `peer0.${mspId}`, message }],
    cause: {} as ServiceError,
    transactionId: 'tx',
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
  });
}

/** A clock that moves only when slept on. */
function fakeClock(): Clock & { slept: number } {
  let now = 0;
  return {
    slept: 0,
    now: () => now,
    async sleep(ms) {
      now += ms;
      this.slept += ms;
    },
  };
}

/** Heights per bureau; `catchUp(mspId, afterReads, height)` makes a peer report a new height after so many reads. */
function heights(initial: Record<string, number | undefined>) {
  const reads = new Map<string, number>();
  const later = new Map<string, { after: number; height: number }>();
  return {
    reads,
    catchUp(mspId: string, after: number, height: number) {
      later.set(mspId, { after, height });
    },
    heightOf: async (mspId: string) => {
      const n = (reads.get(mspId) ?? 0) + 1;
      reads.set(mspId, n);
      const l = later.get(mspId);
      if (l && n > l.after) return l.height;
      const h = initial[mspId];
      if (h === undefined) throw new Error('UNAVAILABLE');
      return h;
    },
  };
}

describe("a chaincode refusal from a peer behind the channel (the payout approval's stale 404 after a link cut)", () => {
  it('when the refusing peer is at the highest height, then it is endorsed once more at once (it may have caught up since it refused)', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 534, FinanceMSP: 534, AuditMSP: 533 });
    expect(await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, h.heightOf, clock)).to.equal(true);
    expect(clock.slept).to.equal(0);
  });

  it('when the refusal is invalid_request from a peer behind (a file it has not yet seen uploaded), then it is endorsed again once that peer has caught up', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 530, FinanceMSP: 534, AuditMSP: 534 });
    h.catchUp('HousingMSP', 2, 534);
    const invalid = refusedBy(
      'HousingMSP',
      'chaincode response 500, {"code":"invalid_request","message":"files.application_form.sha256 must be a file uploaded by company C1"}',
    );
    expect(await refusalToRecheck(invalid, BUREAUS, h.heightOf, clock)).to.equal(true);
    expect(h.reads.get('HousingMSP')).to.equal(3);
  });

  it('when the refusing peer is behind and catches up, then it is endorsed again once it has reached the height seen at the refusal', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 530, FinanceMSP: 534, AuditMSP: 534 });
    h.catchUp('HousingMSP', 3, 534);
    expect(await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, h.heightOf, clock)).to.equal(true);
    expect(h.reads.get('HousingMSP')).to.equal(4);
    expect(clock.slept).to.be.greaterThan(0).and.below(CATCH_UP_MS);
  });

  it('when the refusing peer stays behind, then the answer is 503 with Retry-After after the bound, not the refusal', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 530, FinanceMSP: 534, AuditMSP: 534 });
    const err = await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, h.heightOf, clock).catch((e) => e);
    expect(err).to.be.instanceOf(LedgerUnavailable);
    expect(err.status).to.equal(503);
    expect(err.headers).to.include({ 'Retry-After': '2' });
    expect(err.message).to.contain('HousingMSP');
    expect(clock.slept).to.be.at.least(CATCH_UP_MS);
  });

  it('when another bureau is behind but the refusing one is not, then no one is waited for', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 534, FinanceMSP: 534, AuditMSP: 520 });
    expect(await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, h.heightOf, clock)).to.equal(true);
    expect(clock.slept).to.equal(0);
  });

  it('when a peer does not answer its height, then it is left out; when none answers, the refusal stands', async () => {
    const h = heights({ HousingMSP: 534, FinanceMSP: undefined, AuditMSP: 534 });
    expect(await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, h.heightOf, fakeClock())).to.equal(true);
    const none = heights({ HousingMSP: undefined, FinanceMSP: undefined, AuditMSP: undefined });
    expect(await refusalToRecheck(refusedBy('HousingMSP'), BUREAUS, none.heightOf, fakeClock())).to.equal(false);
  });

  it('when the error is not a refusal by a named peer, then every bureau counts as a refuser', async () => {
    const clock = fakeClock();
    const h = heights({ HousingMSP: 534, FinanceMSP: 534, AuditMSP: 531 });
    h.catchUp('AuditMSP', 1, 534);
    const unnamed = new EndorseError({
      code: status.ABORTED,
      details: [],
      cause: {} as ServiceError,
      transactionId: 'tx',
      message: 'chaincode response 500, {"code":"not_found","message":"x"}',
    });
    expect(await refusalToRecheck(unnamed, BUREAUS, h.heightOf, clock)).to.equal(true);
    expect(h.reads.get('AuditMSP')).to.equal(2);
  });

  it('when the error is not a chaincode refusal (not a Fabric error, or a peer down), then it stands and nothing is read', async () => {
    const h = heights({ HousingMSP: 1, FinanceMSP: 9, AuditMSP: 9 });
    expect(await refusalToRecheck(new Error('x'), BUREAUS, h.heightOf, fakeClock())).to.equal(false);
    const down = refusedBy('HousingMSP', 'failed to connect: UNAVAILABLE');
    expect(await refusalToRecheck(down, BUREAUS, h.heightOf, fakeClock())).to.equal(false);
    expect(h.reads.size).to.equal(0);
  });
});

describe('the peer a read that a decision rests on is asked of', () => {
  it("when the user's bureau is at the highest height, then its peer; when it is behind, then one that is", async () => {
    const level = heights({ HousingMSP: 534, FinanceMSP: 534, AuditMSP: 534 });
    expect(await furthestAlong(BUREAUS, level.heightOf, 'FinanceMSP')).to.equal('FinanceMSP');
    const behind = heights({ HousingMSP: 534, FinanceMSP: 530, AuditMSP: 535 });
    expect(await furthestAlong(BUREAUS, behind.heightOf, 'FinanceMSP')).to.equal('AuditMSP');
  });

  it("when the user's peer does not answer, then the highest of the others; when none answers, then none", async () => {
    const silent = heights({ HousingMSP: 534, FinanceMSP: undefined, AuditMSP: 533 });
    expect(await furthestAlong(BUREAUS, silent.heightOf, 'FinanceMSP')).to.equal('HousingMSP');
    const none = heights({ HousingMSP: undefined, FinanceMSP: undefined, AuditMSP: undefined });
    expect(await furthestAlong(BUREAUS, none.heightOf, 'FinanceMSP')).to.equal(undefined);
  });
});
