import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { approvedProject, qualifiedContractor } from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { AuditContract } from './audit-contract';

const audit = new AuditContract();
const attestation = (extra: object = {}) => JSON.stringify({ id: 'AT1', subjectKind: 'project', subjectKey: ['P001'], opinion: 'no_finding', note: '立项程序合规', ...extra });

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
        const page = JSON.parse(await world.evaluate(people.director, (ctx) => audit.listAttestationsBySubject(ctx, 'project', '["P001"]', '10', '')));
        expect(page.records.map((a: { id: string }) => a.id)).to.deep.equal(['AT1']);
    });
    it('when a finding has no report hash, then it is refused', async () => {
        await expectRejected(world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation({ opinion: 'finding' }))), /needs reportSha256/);
        await world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation({ opinion: 'finding', reportSha256: HEX('d') })));
    });
    it('when the subject does not exist, then the attestation is refused', async () => {
        await expectRejected(world.submit(people.auditor, (ctx) => audit.attest(ctx, attestation({ subjectKey: ['P404'] }))), /project P404 does not exist/);
    });
    it('when a director attests, then it is refused: attestations are the auditors\'', async () => {
        await expectRejected(world.submit(people.director, (ctx) => audit.attest(ctx, attestation())), /access denied: audit.attest/);
    });
    it('when an auditor asks for a record\'s history, then every version is returned newest first', async () => {
        const history = JSON.parse(await world.evaluate(people.auditor, (ctx) => audit.recordHistory(ctx, 'project', '["P001"]')));
        expect(history).to.have.length(4);
        expect(history[0].value.status).to.equal('approved');
    });
});
