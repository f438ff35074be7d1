import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { people } from '../testing/people';
import { approval, approvedProject, qualifiedContractor } from '../testing/scenario';
import { DocumentContract } from '../document/document-contract';
import { PaymentContract } from '../payment/payment-contract';
import { WorksContractContract } from '../contract/contract-contract';

describe('paginated lists (shared/ledger)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
  });

  // On a real peer fabric-shim returns no `metadata` for a page with no record and no bookmark (found by the
  // integration tests: every empty list failed with "Cannot read properties of undefined (reading 'fetchedRecordsCount')").
  it('when a list query matches nothing, then it returns an empty page instead of failing', async () => {
    const empty = { records: [], fetched: 0, bookmark: '' };
    const payments = new PaymentContract();
    const documents = new DocumentContract();
    const works = new WorksContractContract();
    expect(
      JSON.parse(await world.evaluate(people.auditor, (ctx) => payments.listPaymentAlerts(ctx, 'HT404', '10', ''))),
    ).to.deep.equal(empty);
    expect(
      JSON.parse(
        await world.evaluate(people.auditor, (ctx) => documents.listDocumentsByProject(ctx, 'P001', '10', '')),
      ),
    ).to.deep.equal(empty);
    expect(
      JSON.parse(
        await world.evaluate(people.auditor, (ctx) => works.listByContract(ctx, 'HT404', 'milestones', '10', '')),
      ),
    ).to.deep.equal(empty);
    expect(
      JSON.parse(
        await world.evaluate(people.auditor, (ctx) => approval.listProjectsByStatus(ctx, 'correction', '10', '')),
      ),
    ).to.deep.equal(empty);
  });

  it('when a list query matches records, then the page still reports how many it fetched', async () => {
    const page = JSON.parse(
      await world.evaluate(people.auditor, (ctx) => approval.listProjectsByStatus(ctx, 'approved', '10', '')),
    );
    expect(page.records.map((p: { id: string }) => p.id)).to.deep.equal(['P001']);
    expect(page).to.include({ fetched: 1, bookmark: '' });
  });
});
