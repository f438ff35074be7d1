import { expect } from 'chai';
import { citizenAddress, complaintId } from '../soak/workload/complaint';
import { DEFAULT_MIX, parseMix, workloadOfSlot } from '../soak/workload/mix';
import { newRecord, Replicas, untilDefinite, type Answer } from '../soak/writers';

/** The soak's workload without a network: the mix per write slot, the citizens' addresses, the retry loop. */
describe('the soak workload (pure)', () => {
  it('when slots are chosen from a mix, then each kind gets its share of any stretch and a slot always the same kind', () => {
    const counts: Record<string, number> = {};
    for (let slot = 0; slot < 1000; slot++) {
      const kind = workloadOfSlot(slot, DEFAULT_MIX);
      counts[kind] = (counts[kind] ?? 0) + 1;
      expect(workloadOfSlot(slot, DEFAULT_MIX)).to.equal(kind);
    }
    const total = Object.values(DEFAULT_MIX).reduce((a, b) => a + b, 0);
    for (const [kind, weight] of Object.entries(DEFAULT_MIX))
      expect(counts[kind] / 1000).to.be.closeTo(weight / total, 0.01, kind);
    // Even the rarest kind comes early: within twice the weights' total of slots.
    const early = new Set(Array.from({ length: 2 * total }, (_, slot) => workloadOfSlot(slot, DEFAULT_MIX)));
    expect(early.size).to.equal(Object.keys(DEFAULT_MIX).length);
  });

  it('when a kind has weight 0, then no slot is of that kind', () => {
    const mix = parseMix('batch-anchor=0,complaint=1', ['batch-anchor', 'complaint']);
    for (let slot = 0; slot < 100; slot++) expect(workloadOfSlot(slot, mix)).to.equal('complaint');
  });

  it('when SOAK_MIX names an unknown kind or no weight, then it is refused', () => {
    expect(() => parseMix('payout=1', ['complaint'])).to.throw(/unknown workload "payout"/);
    expect(() => parseMix('complaint=0', ['complaint'])).to.throw(/no workload has a weight/);
    expect(() => parseMix('complaint=x', ['complaint'])).to.throw(/weight/);
  });

  it('when complaints are filed from many slots, then each comes from a loopback address of its own', () => {
    const addresses = new Set(Array.from({ length: 5000 }, (_, slot) => citizenAddress(slot)));
    expect(addresses.size).to.equal(5000);
    for (const a of addresses) expect(a).to.match(/^127\.1\.\d{1,3}\.\d{1,3}$/);
  });

  it("when a complaint is filed with an Idempotency-Key, then its tracking number follows from the key as the gateway's does", () => {
    expect(complaintId('k'))
      .to.equal(complaintId('k'))
      .and.match(/^C-[0-9a-f]{16}$/);
    expect(complaintId('k')).not.to.equal(complaintId('l'));
  });

  it('when a replica does not answer, then the same write goes to the next at once, and a refusal is final', async () => {
    const replicas = new Replicas(['http://a', 'http://b'], 0);
    const record = newRecord('complaint', 'C-1', 'key', { recordKind: 'complaint', key: ['C-1'] }, 'w');
    const seen: string[] = [];
    const answers: Answer[] = [
      { at: 0, status: 0 },
      { at: 0, status: 422, code: 'invalid_request' },
    ];
    await untilDefinite(
      record,
      replicas,
      async () => {
        seen.push(replicas.baseUrl);
        return answers.shift()!;
      },
      () => Date.now() + 10_000,
    );
    expect(seen).to.deep.equal(['http://a', 'http://b']);
    expect(record.final).to.include({ status: 422 });
    expect(record.answers).to.have.length(2);
  });

  it('when the give-up time has passed and nothing definite came, then the write has no final answer', async () => {
    const record = newRecord('alert-mqtt', 'SA-1', 'SA-1', { recordKind: 'safetyAlert', key: ['SA-1'] }, 'd');
    await untilDefinite(
      record,
      new Replicas(['mqtt']),
      async () => {
        throw new Error('no ack');
      },
      () => 0,
    );
    expect(record.final).to.equal(undefined);
    expect(record.answers.map((a) => a.status)).to.deep.equal([0]);
  });
});
