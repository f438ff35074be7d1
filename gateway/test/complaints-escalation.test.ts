import { expect } from 'chai';
import { ESCALATION_USER } from '../src/complaints/system-identities';
import type { LedgerComplaint } from '../src/complaints/views';
import { eventually, gatewayUnderTest } from './support/gateway';
import { complaintsReplica } from './complaints-harness';

type Replica = Awaited<ReturnType<typeof complaintsReplica>>;

describe('complaints: escalation of overdue complaints by the scheduler', function () {
  this.timeout(120_000);
  const replicas: Replica[] = [];
  after(async () => {
    for (const r of replicas) await r.close();
  });

  const replica = async (now: () => Date, attemptWindowMs = 10 * 60_000) => {
    const r = await complaintsReplica({
      now,
      escalation: { enabled: false, intervalMs: 60_000, batch: 200, attemptWindowMs },
    });
    replicas.push(r);
    return r;
  };
  const readLedger = async (r: Replica, id: string): Promise<LedgerComplaint> =>
    JSON.parse(await r.ledger.evaluate(await r.identities.signer(ESCALATION_USER), 'complaint', 'readComplaint', [id]));

  it('when a complaint is overdue, then two scheduler replicas escalate it exactly once, and later ticks do not try again', async () => {
    await gatewayUnderTest(); // projects the ledger's events into the read model the schedulers read
    // Received on 2024-03-01 (clock moved back), so its dispatch deadline is long past by the ledger's real clock.
    const past = await replica(() => new Date('2024-03-01T02:00:00Z'));
    const submitted = await past.intake.submit(
      {
        service_code: null,
        description: '工地扬尘严重，没有人管',
        address_string: '罗湖区东晓街道',
        lat: null,
        long: null,
        media_url: null,
        first_name: null,
        last_name: null,
        phone: null,
        email: null,
      },
      { ip: '10.200.0.1' },
    );
    expect(submitted.deadline).to.equal('2024-03-04');
    const model = past.readModel.model('complaint');
    await eventually(
      'the complaint in the read model',
      () => model.findById(submitted.id).lean(),
      (d) => d?.status === 'received',
    );

    // A scheduler whose clock says the deadline has not passed leaves it alone.
    const early = await replica(() => new Date('2024-03-04T10:00:00+08:00'));
    expect((await early.scheduler.tick()).escalated).to.not.include(submitted.id);

    // Two replicas on the real clock tick at the same moment.
    const [a, b] = [await replica(() => new Date()), await replica(() => new Date())];
    const reports = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    const escalatedBy = reports.filter((r) => r.escalated.includes(submitted.id));
    expect(escalatedBy.length).to.be.at.most(1);
    let record = await readLedger(a, submitted.id);
    expect(record.status).to.equal('escalated');
    const escalations = () => record.history.filter((h) => h.step === 'escalate');
    expect(escalations()).to.have.length(1);
    expect(JSON.stringify(escalations()[0].by)).to.include(ESCALATION_USER);
    expect(escalations()[0].note).to.equal('overdue since 2024-03-04');

    // Ticks in the same window (shared operation) and in a later window (read model may still lag) add nothing.
    const later = await replica(() => new Date(), 1_000);
    await new Promise((r) => setTimeout(r, 1_100));
    const again = await Promise.all([a.scheduler.tick(), b.scheduler.tick(), later.scheduler.tick()]);
    for (const r of again) expect(r.escalated).to.not.include(submitted.id);
    record = await readLedger(a, submitted.id);
    expect(escalations()).to.have.length(1);
    const projected = await eventually(
      'escalation projected',
      () => model.findById(submitted.id).lean(),
      (d) => d?.status === 'escalated',
    );
    expect(projected?.escalations).to.equal(1);
    // Once projected it is no longer selected at all.
    const quiet = await a.scheduler.tick();
    expect([...quiet.escalated, ...quiet.alreadyDone, ...quiet.refused.map((x) => x.id)]).to.not.include(submitted.id);
  });
});
