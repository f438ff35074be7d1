import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { expectRejected } from '../testing/assert';
import { AnchorContract } from './anchor-contract';

const anchor = new AnchorContract();
const ROOT = HEX('ab');

describe('anchor contract (batch anchors)', () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });
  const anchorBatch = (who = people.housingClerk, batchId = 'B1', root = ROOT, count = '1200', kind = 'site_photos') =>
    world.submit(who, (ctx) => anchor.anchorBatch(ctx, batchId, root, count, kind));

  it('when a clerk anchors a batch, then the stored anchor (with txId and timestamp) is returned and emitted as anchor.batch', async () => {
    const returned = await anchorBatch();
    const batch = JSON.parse(returned);
    expect(batch).to.include({
      batchId: 'B1',
      merkleRoot: ROOT,
      itemCount: 1200,
      kind: 'site_photos',
      txId: world.lastEvent.txId,
    });
    expect(batch.timestamp).to.equal('2025-03-03T01:01:00.000Z');
    expect(world.lastEvent.name).to.equal('anchor.batch');
    expect(world.rawBytes('batchAnchor', 'B1')?.toString()).to.equal(returned);
    expect(JSON.parse(await world.evaluate(people.auditor, (ctx) => anchor.readBatch(ctx, 'B1')))).to.deep.equal(batch);
  });
  it('when an identity without a role attribute or an owner anchors, then it is refused and nothing is stored', async () => {
    await expectRejected(
      anchorBatch(people.noRole),
      /^access denied: anchor\.anchorBatch is not allowed for role \(none\) in HousingMSP/,
    );
    await expectRejected(
      anchorBatch(people.owner),
      /^access denied: anchor\.anchorBatch is not allowed for role owner in HousingMSP/,
    );
    expect(world.read('batchAnchor', 'B1')).to.equal(undefined);
  });
  it('when an inspector, a device or an analyst of the Housing bureau anchors, then it is allowed', async () => {
    await anchorBatch(people.inspector, 'B1');
    await anchorBatch(people.device, 'B2');
    await anchorBatch(people.analyst, 'B3');
    expect(world.read('batchAnchor', 'B2').anchoredBy.role).to.equal('device');
  });
  it("when another bureau's staff (a Finance officer or clerk, an admin) anchors, then it is refused", async () => {
    await expectRejected(
      anchorBatch(people.finance),
      /^access denied: anchor\.anchorBatch is not allowed for role finance in FinanceMSP/,
    );
    await expectRejected(
      anchorBatch(people.financeClerk),
      /^access denied: anchor\.anchorBatch is not allowed for role clerk in FinanceMSP/,
    );
    await expectRejected(
      anchorBatch(people.housingAdmin),
      /^access denied: anchor\.anchorBatch is not allowed for role admin in HousingMSP/,
    );
  });
  it('when an upper-case root is given, then it is stored in lower case', async () => {
    await anchorBatch(people.device, 'B2', ROOT.toUpperCase());
    expect(world.read('batchAnchor', 'B2').merkleRoot).to.equal(ROOT);
  });
  it('when the batch id is reused, then the second anchor is refused', async () => {
    await anchorBatch();
    await expectRejected(anchorBatch(people.inspector), /batch B1 is already anchored/);
  });
  it('when the Merkle root is not 64 hex characters, then it is refused', async () => {
    await expectRejected(anchorBatch(people.housingClerk, 'B1', 'xyz'), /merkleRoot must be 64 hex characters/);
    await expectRejected(anchorBatch(people.housingClerk, 'B1', ROOT + '0'), /merkleRoot must be 64 hex characters/);
  });
  it('when itemCount is not a positive integer, then it is refused', async () => {
    await expectRejected(anchorBatch(people.housingClerk, 'B1', ROOT, '0'), /itemCount must be an integer from 1/);
    await expectRejected(anchorBatch(people.housingClerk, 'B1', ROOT, '2.5'), /itemCount must be an integer/);
  });
  it('when an auditor or a contractor anchors, then it is refused', async () => {
    await expectRejected(anchorBatch(people.auditor), /access denied: anchor.anchorBatch/);
    await expectRejected(anchorBatch(people.contractor), /access denied: anchor.anchorBatch/);
    await expectRejected(anchorBatch(people.outsider), /access denied: anchor.anchorBatch/);
  });
  it('when reading an unknown batch, then the error says it does not exist', async () => {
    await expectRejected(
      world.evaluate(people.auditor, (ctx) => anchor.readBatch(ctx, 'B404')),
      /batch B404 does not exist/,
    );
  });
  it('when batches are listed by kind, then only that kind is returned', async () => {
    await anchorBatch(people.housingClerk, 'B1');
    await anchorBatch(people.housingClerk, 'B2', ROOT, '5', 'sensor_logs');
    const page = JSON.parse(
      await world.evaluate(people.auditor, (ctx) => anchor.listBatchesByKind(ctx, 'sensor_logs', '10', '')),
    );
    expect(page.records.map((b: { batchId: string }) => b.batchId)).to.deep.equal(['B2']);
  });
});
