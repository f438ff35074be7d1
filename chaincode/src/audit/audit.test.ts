import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { approvedProject, qualifiedContractor } from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { AuditContract, MAX_VERSIONS_PER_READ } from './audit-contract';

const audit = new AuditContract();
const attestation = (extra: object = {}) =>
  JSON.stringify({
    id: 'AT1',
    subjectKind: 'project',
    subjectKey: ['P001'],
    opinion: 'no_finding',
    note: '立项程序合规',
    ...extra,
  });

describe('audit contract', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
  });

  it('when an auditor attests a project, then the attestation is stored and listed by subject', async () => {
    await world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation()));
    expect(world.lastEvent.name).to.equal('audit.attested');
    const page = JSON.parse(
      await world.evaluate(people.director, (ctx) =>
        audit.listAttestationsBySubject(ctx, 'project', '["P001"]', '10', ''),
      ),
    );
    expect(page.records.map((a: { id: string }) => a.id)).to.deep.equal(['AT1']);
  });
  it('when a finding has no report hash, then it is refused', async () => {
    await expectRejected(
      world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation({ opinion: 'finding' }))),
      /needs reportSha256/,
    );
    await world.submit(people.auditor, (ctx) =>
      audit.attest(ctx, attestation({ opinion: 'finding', reportSha256: HEX('d') })),
    );
  });
  it('when the subject does not exist, then the attestation is refused', async () => {
    await expectRejected(
      world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation({ subjectKey: ['P404'] }))),
      /project P404 does not exist/,
    );
  });
  it("when a director attests, then it is refused: attestations are the auditors'", async () => {
    await expectRejected(
      world.submit(people.director, (ctx) => audit.attest(ctx, attestation())),
      /access denied: audit.attest/,
    );
  });
  it("when an auditor asks for a record's history, then every version is returned newest first", async () => {
    const history = JSON.parse(
      await world.evaluate(people.auditor, (ctx) => audit.recordHistory(ctx, 'project', '["P001"]')),
    );
    expect(history).to.have.length(4);
    expect(history[0].value.status).to.equal('approved');
  });

  describe("reading many records' current versions at once", () => {
    const read = (records: unknown, who = people.auditor) =>
      world.evaluate(who, (ctx) => audit.readCurrentVersions(ctx, JSON.stringify(records)));

    it('when an auditor asks for several records, then each comes back in the asked order with its value and the transaction that last wrote it', async () => {
      const history = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => audit.recordHistory(ctx, 'project', '["P001"]')),
      );
      const contractor = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => audit.recordHistory(ctx, 'contractor', '["C001"]')),
      );
      const versions = JSON.parse(
        await read([
          { kind: 'project', key: ['P001'] },
          { kind: 'project', key: ['P404'] },
          { kind: 'contractor', key: ['C001'] },
        ]),
      );
      expect(versions).to.deep.equal([
        { kind: 'project', key: ['P001'], current: history[0] },
        { kind: 'project', key: ['P404'], current: null },
        { kind: 'contractor', key: ['C001'], current: contractor[0] },
      ]);
      expect(versions[0].current.value.status).to.equal('approved');
    });
    it('when the same records are asked for twice, then the answer is byte for byte the same', async () => {
      const records = [
        { kind: 'contractor', key: ['C001'] },
        { kind: 'project', key: ['P001'] },
      ];
      expect(await read(records)).to.equal(await read(records));
    });
    it('when the request is empty, too long, malformed or asks for a key twice, then it is refused', async () => {
      await expectRejected(read([]), /query.records must be an array of 1 to 200 items/);
      const many = Array.from({ length: MAX_VERSIONS_PER_READ + 1 }, (_, i) => ({ kind: 'project', key: [`P${i}`] }));
      await expectRejected(read(many), /must be an array of 1 to 200 items/);
      await expectRejected(read([{ kind: 'invoice', key: ['X1'] }]), /query.records\[0\].kind/);
      await expectRejected(
        read([{ kind: 'project', key: ['P 1'] }]),
        /query.records\[0\].key\[0\] must be an identifier/,
      );
      await expectRejected(read([{ kind: 'project', key: ['P001'], txId: 'x' }]), /unknown field\(s\): txId/);
      await expectRejected(
        read([
          { kind: 'project', key: ['P001'] },
          { kind: 'project', key: ['P001'] },
        ]),
        /records\[1\]: project P001 is asked for twice/,
      );
      await expectRejected(
        world.evaluate(people.auditor, (ctx) => audit.readCurrentVersions(ctx, '{not json')),
        /recordsJson is not valid JSON/,
      );
    });
    it("when anyone but an auditor asks, then it is refused: the bulk read is the auditors'", async () => {
      await expectRejected(
        read([{ kind: 'project', key: ['P001'] }], people.director),
        /access denied: audit.readCurrentVersions/,
      );
    });
  });
});
