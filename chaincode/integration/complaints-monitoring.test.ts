import { expect } from 'chai';
import {
  application,
  eventsOf,
  expectRefused,
  FUTURE,
  HOUSING,
  openCast,
  People,
  Person,
  qualifiedContractor,
  sha256,
  Submitted,
  uid,
} from './support';

/** Safety alerts from devices, progress monitoring and public complaints on the network, and the event of every write. */
describe('monitoring and complaints on the network (进度与质量 / 公众投诉)', function () {
  this.timeout(120_000);
  let people: People;
  const projectId = uid('P');
  const alertId = uid('SA');
  const complaintId = uid('TS');
  const proof = sha256(`receipt-${complaintId}`); // the rating proof the citizen's receipt gives
  const commitment = sha256(`luohu-complaint-receipt\0${complaintId}\0${proof}`);
  /** Every write of this file with the event type it must emit. */
  const writes: Array<{ type: string; tx: Submitted }> = [];

  const write = async (who: Person, type: string, namespace: string, fn: string, args: string[]) => {
    const tx = await who.submit(namespace, fn, args);
    writes.push({ type, tx });
    return tx.result;
  };

  before(async () => {
    people = await openCast();
    await write(people.contractor, 'approval.applied', 'approval', 'applyForProject', [
      application(projectId, await qualifiedContractor(people)),
      FUTURE,
    ]);
  });
  after(() => people?.close());

  describe('a safety alert from an edge device', () => {
    it("when a device raises a no-helmet alert, then it is open with the device's Fabric identity beside the device id", async () => {
      const alert = await write(people.device, 'monitoring.safety_alert_raised', 'monitoring', 'raiseSafetyAlert', [
        JSON.stringify({
          id: alertId,
          projectId,
          deviceId: people.device.user.enrollmentId,
          alertType: 'no_helmet',
          observedAt: '2026-03-03T09:15:00+08:00',
          location: { site: '东门片区', zone: 'B2 塔吊区' },
          evidenceSha256: sha256(`frame-${alertId}`),
        }),
      ]);
      expect(alert).to.include({ status: 'open', deviceId: people.device.user.enrollmentId, alertType: 'no_helmet' });
      expect(alert.device).to.deep.equal({ mspId: HOUSING, id: await people.device.fabricId(), role: 'device' });
    });

    it('when a clerk raises an alert, or resolves one not yet acknowledged, then both are refused', async () => {
      await expectRefused(
        people.clerk.submitRaw('monitoring', 'raiseSafetyAlert', ['{}']),
        /access denied: monitoring\.raiseSafetyAlert is not allowed for role clerk/,
      );
      await expectRefused(
        people.clerk.submitRaw('monitoring', 'resolveSafetyAlert', [alertId, '已整改']),
        new RegExp(`safety alert ${alertId} is open; it can become resolved only from acknowledged`),
      );
    });

    it('when the Housing clerk acknowledges and then resolves it, then it is resolved and listed under its project and the resolved status', async () => {
      const acknowledged = await write(
        people.clerk,
        'monitoring.safety_alert_acknowledged',
        'monitoring',
        'acknowledgeSafetyAlert',
        [alertId],
      );
      expect(acknowledged.status).to.equal('acknowledged');
      const resolved = await write(
        people.clerk,
        'monitoring.safety_alert_resolved',
        'monitoring',
        'resolveSafetyAlert',
        [alertId, '已责令佩戴安全帽并现场复查'],
      );
      expect(resolved).to.include({ status: 'resolved', resolution: '已责令佩戴安全帽并现场复查' });
      expect(resolved.acknowledgedBy).to.include({ role: 'clerk' });
      const byProject = await people.auditor.evaluate('monitoring', 'listSafetyAlertsByProject', projectId, '10', '');
      expect(byProject.records.map((a: { id: string; status: string }) => [a.id, a.status])).to.deep.equal([
        [alertId, 'resolved'],
      ]);
      const ids = async (status: string) =>
        (await people.auditor.listAll<{ id: string }>('monitoring', 'listSafetyAlertsByStatus', status)).map(
          (a) => a.id,
        );
      expect(await ids('resolved')).to.include(alertId);
      expect(await ids('open')).not.to.include(alertId);
    });

    it('when an inspector records a progress deviation and a clerk a risk score, then both are kept with their inputs', async () => {
      const deviation = await write(
        people.inspector,
        'monitoring.progress_deviation_recorded',
        'monitoring',
        'recordProgressDeviation',
        [JSON.stringify({ id: uid('DEV'), projectId, asOf: '2026-03-31', plannedPercent: 40, actualPercent: 28 })],
      );
      expect(deviation).to.include({ deviation: -12, severity: 'high' });
      const risk = await write(people.clerk, 'monitoring.risk_scored', 'monitoring', 'recordRiskScore', [
        JSON.stringify({
          id: uid('RS'),
          projectId,
          score: 72.5,
          modelVersion: 'risk-v1.3',
          inputs: { delayDays: 12, openAlerts: 1, weather: 'rain' },
        }),
      ]);
      expect(risk).to.deep.include({
        score: 72.5,
        modelVersion: 'risk-v1.3',
        inputs: { delayDays: 12, openAlerts: 1, weather: 'rain' },
      });
    });
  });

  describe('a public complaint', () => {
    it('when the intake desk receives a complaint, then only its salted hash, receipt commitment, category, coarse location and deadline are on the ledger', async () => {
      const complaint = await write(people.intake, 'complaint.received', 'complaint', 'receiveComplaint', [
        JSON.stringify({
          id: complaintId,
          contentHash: sha256(`salt-${complaintId}|夜间施工噪音扰民`),
          receiptCommitment: commitment,
          category: 'noise',
          location: '罗湖区东门街道',
          projectId,
          deadline: FUTURE,
        }),
      ]);
      expect(complaint).to.have.keys([
        'docType',
        'id',
        'contentHash',
        'receiptCommitment',
        'category',
        'location',
        'projectId',
        'assignedUnit',
        'deadline',
        'status',
        'answerHash',
        'rating',
        'history',
      ]);
      expect(complaint.status).to.equal('received');
      await expectRefused(
        people.intake.submitRaw('complaint', 'receiveComplaint', [
          JSON.stringify({
            id: uid('TS'),
            contentHash: sha256('x'),
            receiptCommitment: commitment,
            category: 'noise',
            location: '东门街道 12号',
            deadline: FUTURE,
          }),
        ]),
        /complaint\.location must be a coarse place name/,
      );
    });

    it('when it is dispatched to the housing unit, started, answered and closed, then each step is in its status history', async () => {
      await write(people.director, 'complaint.dispatched', 'complaint', 'dispatchComplaint', [
        complaintId,
        'housing',
        FUTURE,
      ]);
      await expectRefused(
        people.clerk.submitRaw('complaint', 'escalateComplaint', [complaintId]),
        new RegExp(`complaint ${complaintId} is not overdue`),
      );
      await write(people.clerk, 'complaint.in_progress', 'complaint', 'startComplaint', [complaintId]);
      await write(people.clerk, 'complaint.answered', 'complaint', 'answerComplaint', [
        complaintId,
        sha256(`answer-${complaintId}`),
      ]);
      const closed = await write(people.clerk, 'complaint.closed', 'complaint', 'closeComplaint', [complaintId]);
      expect(closed).to.include({
        status: 'closed',
        assignedUnit: 'housing',
        answerHash: sha256(`answer-${complaintId}`),
      });
      expect(closed.history.map((h: { step: string; status: string }) => [h.step, h.status])).to.deep.equal([
        ['receive', 'received'],
        ['dispatch', 'dispatched'],
        ['start', 'in_progress'],
        ['answer', 'answered'],
        ['close', 'closed'],
      ]);
      expect(closed.history[1].by).to.include({ role: 'director' });
      const byUnit = await people.auditor.listAll<{ id: string; status: string }>(
        'complaint',
        'listComplaintsByUnit',
        'housing',
      );
      expect(byUnit.filter((c) => c.id === complaintId).map((c) => c.status)).to.deep.equal(['closed']);
    });

    it('when the citizen rates it, then the rating is kept once and a second rating is refused', async () => {
      const rated = await write(people.intake, 'complaint.rated', 'complaint', 'rateComplaint', [
        complaintId,
        '5',
        proof,
      ]);
      expect(rated.rating.score).to.equal(5);
      await expectRefused(
        people.intake.submitRaw('complaint', 'rateComplaint', [complaintId, '1', proof]),
        new RegExp(`complaint ${complaintId} is already rated`),
      );
    });
  });

  describe('events', () => {
    it('when the chaincode events are read from the block of the first write, then each write emitted exactly one event named by its type, carrying its new state', async () => {
      const startBlock = writes[0].tx.blockNumber;
      const events = await eventsOf(
        people.auditor.network,
        startBlock,
        writes.map((w) => w.tx.txId),
      );
      expect(events.map((e) => e.txId)).to.deep.equal(writes.map((w) => w.tx.txId));
      for (const [i, { type, tx }] of writes.entries()) {
        const event = events[i];
        expect(event.name, `event of ${type}`).to.equal(type);
        expect(event.blockNumber).to.equal(tx.blockNumber);
        expect(event.payload).to.include({ type, txId: tx.txId });
        expect(event.payload.state, `state in the ${type} event`).to.deep.equal(tx.result);
      }
      expect(events.filter((e) => e.name.startsWith('complaint.')).map((e) => e.payload.ids.status)).to.deep.equal([
        'received',
        'dispatched',
        'in_progress',
        'answered',
        'closed',
        'closed',
      ]);
    });
  });
});
