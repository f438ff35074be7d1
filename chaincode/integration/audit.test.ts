import { expect } from 'chai';
import { expectQueryFails, openCast, People, qualifiedContractor, uid } from './support';

/** The audit contract's reads on real peers: the batched current-version read that reconciliation uses. */
describe('chaincode audit reads on the network', function () {
  this.timeout(120_000);
  let people: People;
  let contractorId: string;

  before(async () => {
    people = await openCast();
    contractorId = await qualifiedContractor(people);
  });
  after(() => people?.close());

  it("when an auditor reads several records' current versions at once, then each carries the transaction that last wrote it, the same on every bureau's peer", async () => {
    const history = await people.auditor.evaluate(
      'audit',
      'recordHistory',
      'contractor',
      JSON.stringify([contractorId]),
    );
    const asked = JSON.stringify([
      { kind: 'contractor', key: [contractorId] },
      { kind: 'project', key: [uid('P')] },
    ]);
    const versions = await people.auditor.evaluate('audit', 'readCurrentVersions', asked);
    expect(versions).to.have.length(2);
    expect(versions[0]).to.deep.equal({ kind: 'contractor', key: [contractorId], current: history[0] });
    expect(versions[0].current.value.qualifications).to.have.length(1); // the second write (addQualification) is the current one
    expect(versions[1].current).to.equal(null);
    for (const msp of ['HousingMSP', 'FinanceMSP']) {
      expect(await people.auditor.evaluateVia(msp, 'audit', 'readCurrentVersions', asked), msp).to.deep.equal(versions);
    }
  });

  it("when a director asks for the batched read, then the query fails: the bulk read is the auditors'", async () => {
    await expectQueryFails(
      people.director.evaluate(
        'audit',
        'readCurrentVersions',
        JSON.stringify([{ kind: 'contractor', key: [contractorId] }]),
      ),
      /access denied: audit\.readCurrentVersions/,
    );
  });
});
