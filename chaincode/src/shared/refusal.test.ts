import { expect } from 'chai';
import { decodeRefusal } from '@luohu/domain';
import { MonitoringContract } from '../monitoring/monitoring-contract';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { approvedProject, qualifiedContractor } from '../testing/scenario';

const monitoring = new MonitoringContract();
const alert = (extra: object = {}) =>
  JSON.stringify({
    id: 'SA1',
    projectId: 'P001',
    deviceId: 'camera-07',
    alertType: 'no_helmet',
    observedAt: '2025-03-03T09:15:00+08:00',
    location: { site: '东门小学工地', zone: '3号塔吊下' },
    evidenceSha256: HEX('c'),
    ...extra,
  });

/** The error message as Fabric carries it to the client, decoded as the gateway decodes it. */
async function refusalOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, 'the transaction was not refused').to.be.instanceOf(Error);
  return decodeRefusal(err!.message);
}

describe('refusals carry a stable code and the record they are about', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
  });

  it('when a record is missing, then the code is not_found with its kind and id', async () => {
    expect(
      await refusalOf(world.submit(people.safetyClerk, (ctx) => monitoring.acknowledgeSafetyAlert(ctx, 'SA404'))),
    ).to.deep.equal({
      code: 'not_found',
      message: 'safety alert SA404 does not exist',
      subject: { kind: 'safetyAlert', id: 'SA404' },
    });
  });

  it('when the caller may not, a key exists, a step is out of order or an argument is malformed, then each has its own code', async () => {
    expect(
      (await refusalOf(world.submit(people.housingClerk, (ctx) => monitoring.raiseSafetyAlert(ctx, alert()))))?.code,
    ).to.equal('forbidden');
    await world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alert()));
    expect(
      await refusalOf(world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alert()))),
    ).to.deep.include({ code: 'already_exists', subject: { kind: 'safetyAlert', id: 'SA1' } });
    expect(
      (await refusalOf(world.submit(people.safetyClerk, (ctx) => monitoring.resolveSafetyAlert(ctx, 'SA1', '已整改'))))
        ?.code,
    ).to.equal('illegal_transition');
    expect(
      (
        await refusalOf(
          world.submit(people.device, (ctx) =>
            monitoring.raiseSafetyAlert(ctx, alert({ id: 'SA2', alertType: 'smile' })),
          ),
        )
      )?.code,
    ).to.equal('invalid_request');
  });
});
