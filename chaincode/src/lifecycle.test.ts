/**
 * Whole-chaincode checks: the module loads into fabric-contract-api as the peer would load it, and a full
 * lifecycle (registry → approval → document → contract → payment → monitoring → complaint → anchor) is deterministic:
 * one event per write transaction, whose `state` is byte-for-byte what went to putState, and the same bytes every run.
 */
import { expect } from 'chai';
import { JSONSerializer } from 'fabric-contract-api';
import * as chaincode from './index';
import { World, identity } from './testing/fake-ledger';
import { HEX, people } from './testing/people';
import {
  acceptedMilestone,
  activeContract,
  approvedProject,
  documentJson,
  qualifiedContractor,
  sealFor,
} from './testing/scenario';
import { AnchorContract } from './anchor/anchor-contract';
import { ComplaintContract } from './complaint/complaint-contract';
import { DocumentContract } from './document/document-contract';
import { MonitoringContract } from './monitoring/monitoring-contract';
import { PaymentContract } from './payment/payment-contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

const complaintIntake = identity('HousingMSP', 'system.complaint-intake', { role: 'clerk', dept: 'complaint_intake' });

async function lifecycle(world: World): Promise<void> {
  await qualifiedContractor(world);
  await approvedProject(world);
  await sealFor(world, people.inspector, HEX('7'));
  await world.submit(people.inspector, (ctx) =>
    new DocumentContract().anchorDocument(ctx, documentJson(HEX('a'), HEX('7'))),
  );
  await activeContract(world);
  await acceptedMilestone(world, 'M1');
  const payment = new PaymentContract();
  await world.submit(people.finance, (ctx) =>
    payment.requestPayout(
      ctx,
      JSON.stringify({ id: 'PAY1', contractId: 'HT001', milestoneId: 'M1', amount: 300_000_000 }),
    ),
  );
  await world.submit(people.finance, (ctx) =>
    payment.requestPayout(ctx, JSON.stringify({ id: 'PAY2', contractId: 'HT001', milestoneId: 'M1', amount: 1 })),
  );
  await world.submit(people.director, (ctx) => payment.approvePayout(ctx, 'PAY1'));
  await world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r1'));
  await world.submit(people.settlement, (ctx) =>
    payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
  );
  await world.submit(people.device, (ctx) =>
    new MonitoringContract().raiseSafetyAlert(
      ctx,
      JSON.stringify({
        id: 'SA1',
        projectId: 'P001',
        deviceId: 'camera-07',
        alertType: 'no_helmet',
        observedAt: '2025-03-03T09:15:00+08:00',
        location: { site: '工地', zone: '北区' },
        evidenceSha256: HEX('c'),
      }),
    ),
  );
  await world.submit(complaintIntake, (ctx) =>
    new ComplaintContract().receiveComplaint(
      ctx,
      JSON.stringify({
        id: 'TS1',
        contentHash: HEX('f'),
        receiptCommitment: HEX('9'),
        category: 'dust',
        location: '东门街道',
        deadline: '2025-03-20',
      }),
    ),
  );
  await world.submit(people.housingClerk, (ctx) =>
    new AnchorContract().anchorBatch(ctx, 'B1', HEX('e'), '10', 'site_photos'),
  );
}

describe('the chaincode as a whole', () => {
  it('when fabric-contract-api loads the module, then every contract namespace and its transactions are registered', () => {
    const cc = new ChaincodeFromContract(
      chaincode.contracts,
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'luohu',
      '0.1.0',
    );
    const names = Object.keys(cc.metadata.contracts).filter((n) => !n.startsWith('org.hyperledger'));
    expect(names.sort()).to.deep.equal([
      'anchor',
      'approval',
      'audit',
      'complaint',
      'contract',
      'document',
      'monitoring',
      'payment',
      'registry',
    ]);
    const txs = (name: string) => cc.metadata.contracts[name].transactions.map((t: { name: string }) => t.name);
    expect(txs('registry')).to.include('whoAmI');
    expect(txs('anchor')).to.include.members(['anchorBatch', 'readBatch']);
    const whoAmI = cc.metadata.contracts.registry.transactions.find((t: { name: string }) => t.name === 'whoAmI');
    expect(whoAmI.tag).to.include('EVALUATE');
    expect(txs('payment')).to.not.include('recordOverpayment'); // private helpers are not transactions
  });

  it('when the same lifecycle runs twice, then every ledger write is the same bytes', async () => {
    const a = new World();
    const b = new World();
    await lifecycle(a);
    await lifecycle(b);
    expect(a.writeLog.length).to.be.greaterThan(40);
    expect(a.writeLog.map((w) => [w.txId, w.key, w.value?.toString('base64')])).to.deep.equal(
      b.writeLog.map((w) => [w.txId, w.key, w.value?.toString('base64')]),
    );
    expect(a.events.map((e) => e.payload.toString('base64'))).to.deep.equal(
      b.events.map((e) => e.payload.toString('base64')),
    );
  });

  it('when any write transaction commits, then it emitted exactly one event whose state is byte-identical to a putState value of that transaction', async () => {
    const world = new World();
    await lifecycle(world);
    const txIds = [...new Set(world.writeLog.map((w) => w.txId))];
    expect(world.events.map((e) => e.txId)).to.deep.equal(txIds);
    for (const event of world.events) {
      const payload = event.payload.toString('utf8');
      const parsed = JSON.parse(payload);
      expect(parsed.type, payload).to.equal(event.name);
      expect(parsed.txId).to.equal(event.txId);
      expect(Object.values(parsed.ids).every((v) => typeof v === 'string')).to.equal(true);
      const written = world.writeLog
        .filter((w) => w.txId === event.txId && w.value)
        .map((w) => (w.value as Buffer).toString('utf8'));
      const stateJson = JSON.stringify(parsed.state);
      const exact = written.find((value) => value === stateJson);
      expect(exact, `${event.name}: state not written byte-for-byte`).to.be.a('string');
      expect(payload.includes(`"state":${exact}`)).to.equal(true);
    }
  });

  it('when the overpayment is refused, then the committed alert and its event share the same bytes and no payout record exists', async () => {
    const world = new World();
    await lifecycle(world);
    expect(world.read('payout', 'PAY2')).to.equal(undefined);
    const alertEvent = world.events.find((e) => e.name === 'payment.overpayment_refused');
    const alertKey = world.keysOf('paymentAlert')[0];
    expect(alertEvent?.payload.toString('utf8')).to.contain(`"state":${world.state.get(alertKey)?.toString('utf8')}`);
  });
});
