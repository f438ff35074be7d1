import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { approvedProject, qualifiedContractor } from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { MonitoringContract } from './monitoring-contract';

const monitoring = new MonitoringContract();
const alertJson = (extra: object = {}) =>
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

describe('monitoring contract (进度与质量)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
  });

  describe('safety alerts', () => {
    it('when a device raises an alert and clerks acknowledge and resolve it, then each step is recorded and the status index follows', async () => {
      await world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson()));
      expect(world.read('safetyAlert', 'SA1')).to.include({
        status: 'open',
        deviceId: 'camera-07',
        alertType: 'no_helmet',
      });
      expect(world.read('safetyAlert', 'SA1').device.id).to.match(/CN=camera-07/);
      await world.submit(people.safetyClerk, (ctx) => monitoring.acknowledgeSafetyAlert(ctx, 'SA1'));
      await world.submit(people.safetyClerk, (ctx) => monitoring.resolveSafetyAlert(ctx, 'SA1', '已现场整改并教育'));
      expect(world.read('safetyAlert', 'SA1')).to.include({ status: 'resolved', resolution: '已现场整改并教育' });
      expect(world.lastEventJson().ids).to.deep.equal({ alertId: 'SA1', projectId: 'P001', status: 'resolved' });
      const open = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => monitoring.listSafetyAlertsByStatus(ctx, 'open', '10', '')),
      );
      const resolved = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => monitoring.listSafetyAlertsByStatus(ctx, 'resolved', '10', '')),
      );
      expect(open.records).to.have.length(0);
      expect(resolved.records).to.have.length(1);
    });
    it('when a clerk raises a device alert, then it is refused: only device identities raise alerts', async () => {
      await expectRejected(
        world.submit(people.housingClerk, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson())),
        /access denied: monitoring.raiseSafetyAlert/,
      );
    });
    it('when an open alert is resolved without acknowledgement, then it is an illegal transition', async () => {
      await world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson()));
      await expectRejected(
        world.submit(people.safetyClerk, (ctx) => monitoring.resolveSafetyAlert(ctx, 'SA1', 'x')),
        /safety alert SA1 is open; it can become resolved only from acknowledged/,
      );
    });
    it("when a device reports in another device's name, then it is refused and nothing is written (finding 12)", async () => {
      await expectRejected(
        world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson({ deviceId: 'camera-08' }))),
        /access denied: device camera-07 cannot report for device camera-08/,
      );
      expect(world.read('safetyAlert', 'SA1')).to.equal(undefined);
    });
    it('when the device acknowledges its own alert, then it is refused', async () => {
      await world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson()));
      await expectRejected(
        world.submit(people.device, (ctx) => monitoring.acknowledgeSafetyAlert(ctx, 'SA1')),
        /access denied/,
      );
    });
    it('when the alert type or evidence hash is invalid, then the field is named', async () => {
      await expectRejected(
        world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson({ alertType: 'smile' }))),
        /safetyAlert.alertType must be one of/,
      );
      await expectRejected(
        world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson({ evidenceSha256: 'abc' }))),
        /safetyAlert.evidenceSha256 must be 64/,
      );
    });
    it('when the alert names an unknown project, then it is refused', async () => {
      await expectRejected(
        world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alertJson({ projectId: 'P404' }))),
        /project P404 does not exist/,
      );
    });
  });

  describe('deviations and risk scores', () => {
    it('when a deviation of −12 points is recorded, then it is high severity', async () => {
      await world.submit(people.inspector, (ctx) =>
        monitoring.recordProgressDeviation(
          ctx,
          JSON.stringify({ id: 'DV1', projectId: 'P001', asOf: '2025-05-31', plannedPercent: 40, actualPercent: 28 }),
        ),
      );
      expect(world.read('progressDeviation', 'P001', 'DV1')).to.include({ deviation: -12, severity: 'high' });
    });
    it('when a risk score is recorded, then its inputs and model version are kept and listed by project', async () => {
      const inputs = { delayedMilestones: 2, safetyAlerts30d: 7, rainDays: 12 };
      await world.submit(people.analyst, (ctx) =>
        monitoring.recordRiskScore(
          ctx,
          JSON.stringify({ id: 'RS1', projectId: 'P001', score: 72.5, modelVersion: 'risk-gbm-1.3.0', inputs }),
        ),
      );
      const page = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => monitoring.listByProject(ctx, 'P001', 'riskScores', '10', '')),
      );
      expect(page.records[0]).to.deep.include({ score: 72.5, modelVersion: 'risk-gbm-1.3.0', inputs });
    });
    it('when a risk score has no inputs, then it is refused', async () => {
      await expectRejected(
        world.submit(people.analyst, (ctx) =>
          monitoring.recordRiskScore(
            ctx,
            JSON.stringify({ id: 'RS1', projectId: 'P001', score: 1, modelVersion: 'v1', inputs: {} }),
          ),
        ),
        /riskScore.inputs must be a non-empty object/,
      );
    });
    it('when finance records a risk score, then it is refused', async () => {
      await expectRejected(
        world.submit(people.finance, (ctx) =>
          monitoring.recordRiskScore(
            ctx,
            JSON.stringify({ id: 'RS1', projectId: 'P001', score: 1, modelVersion: 'v1', inputs: { a: 1 } }),
          ),
        ),
        /access denied/,
      );
    });
  });
});
