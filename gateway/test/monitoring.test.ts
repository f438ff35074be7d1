import crypto from 'node:crypto';
import { expect } from 'chai';
import { assessRisk, RISK_MODEL_VERSION } from '../src/monitoring/risk-model';
import { HttpDevice } from '../src/device-client/device-client';
import { signBytes } from '../src/device-client/keys';
import { alertOf, closeFixtures, Device, enrolledKey, newDevice, newProject, sign } from './monitoring-fixtures';
import {
  ADMIN_PASSWORD,
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  login,
  newUser,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

const signedBy = (d: Device, alert: unknown, how: 'id' | 'certificate' = 'id') => ({
  'X-Device-Signature': sign(alert, d.privateKeyObject),
  ...(how === 'id'
    ? { 'X-Device-Id': d.username }
    : { 'X-Device-Certificate': Buffer.from(d.certificate).toString('base64') }),
});

describe('monitoring: device alerts over HTTP, acknowledgement and resolution', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let device: Device;
  let clerk: TestUser;
  let projectId: string;
  before(async () => {
    g = await gatewayUnderTest();
    const contractor = await newUser(g, 'contractor');
    [device, clerk, projectId] = await Promise.all([
      newDevice(g),
      newUser(g, 'clerk', { custody: 'gateway' }),
      newProject(g, contractor),
    ]);
  });
  after(closeFixtures);

  const onLedger = (id: string) => api(g).get(`/v1/alerts/${id}?source=ledger`).set(bearer(clerk));
  /** The device raises the alert as its firmware would: signed alert, signed proposal, signed transaction. */
  const raise = (alert: ReturnType<typeof alertOf>, by = device) => new HttpDevice(g.url, by).raise(alert);

  it('when a device posts an alert and signs the proposal and the transaction, then it is committed as the device and reaches the read model', async () => {
    const alert = alertOf(device.username, projectId);
    const first = await api(g).post('/v1/alerts').set(signedBy(device, alert)).send(alert).expect(202);
    expect(first.body).to.include({ stage: 'proposal', reference: alert.id });
    expect(first.body.transactionId).to.match(/^[0-9a-f]{64}$/);
    const second = await api(g)
      .post(`/v1/transactions/${first.body.transactionId}/proposal-signature`)
      .send({ signature: await signBytes(device.privateKey, Buffer.from(first.body.message, 'base64')) })
      .expect(200);
    expect(second.body).to.include({ stage: 'transaction', transactionId: first.body.transactionId });
    const done = await api(g)
      .post(`/v1/transactions/${first.body.transactionId}/transaction-signature`)
      .send({ signature: await signBytes(device.privateKey, Buffer.from(second.body.message, 'base64')) })
      .expect(201);
    expect(done.body.receipt).to.include({ validationCode: 'VALID', transactionId: first.body.transactionId });
    expect(done.headers['x-consistency-token']).to.equal(done.body.receipt.blockNumber);
    expect(done.body.result).to.include({
      id: alert.id,
      status: 'open',
      deviceId: device.username,
      alertType: 'no_helmet',
    });
    expect(done.body.result.device.id).to.include(`CN=${device.username}`); // the device's own Fabric identity created it
    const listed = await eventually(
      'the alert in the read model',
      async () =>
        (await api(g).get(`/v1/alerts?projectId=${projectId}&status=open`).set(bearer(clerk)).expect(200)).body,
      (b) => b.items.some((a: { id: string }) => a.id === alert.id),
    );
    expect(listed.items.find((a: { id: string }) => a.id === alert.id)).to.include({
      evidenceSha256: alert.evidenceSha256,
      transactionId: done.body.receipt.transactionId,
    });
  });

  it('when a committed alert is sent again, then the first receipt is answered (201, replayed) and no second transaction is made', async () => {
    const alert = alertOf(device.username, projectId, { alertType: 'dust' });
    const first = await raise(alert);
    expect(first.replayed).to.equal(false);
    const again = await api(g).post('/v1/alerts').set(signedBy(device, alert)).send(alert).expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body.receipt).to.deep.equal(first.receipt);
  });

  it("when the proposal or the transaction is signed with a key that is not the device's, then 401 signature_invalid, nothing is sent, and the device can still sign", async () => {
    const alert = alertOf(device.username, projectId, { alertType: 'fall_risk' });
    const clerkKey = await enrolledKey(clerk.username); // every key the gateway holds is no use: it holds no device key
    const first = await api(g).post('/v1/alerts').set(signedBy(device, alert)).send(alert).expect(202);
    const forge = (message: string) =>
      crypto.sign('sha256', Buffer.from(message, 'base64'), clerkKey.privateKey).toString('base64');
    const proposalPath = `/v1/transactions/${first.body.transactionId}/proposal-signature`;
    const forged = await api(g)
      .post(proposalPath)
      .send({ signature: forge(first.body.message) })
      .expect(401);
    expect(forged.body.error.code).to.equal('signature_invalid');
    await api(g)
      .post(proposalPath)
      .send({ signature: 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbCwganVzdCB0ZXh0IGZvciB0ZXN0aW5n' })
      .expect(401);
    const second = await api(g)
      .post(proposalPath)
      .send({ signature: await signBytes(device.privateKey, Buffer.from(first.body.message, 'base64')) })
      .expect(200);
    const transactionPath = `/v1/transactions/${first.body.transactionId}/transaction-signature`;
    expect(
      (
        await api(g)
          .post(transactionPath)
          .send({ signature: forge(second.body.message) })
          .expect(401)
      ).body.error.code,
    ).to.equal('signature_invalid');
    await onLedger(alert.id).expect(404);
    await api(g)
      .post(transactionPath)
      .send({ signature: await signBytes(device.privateKey, Buffer.from(second.body.message, 'base64')) })
      .expect(201);
    expect((await onLedger(alert.id).expect(200)).body).to.include({ id: alert.id, alertType: 'fall_risk' });
  });

  it('when the device presents its certificate instead of its id, then the alert is accepted too', async () => {
    const alert = alertOf(device.username, projectId, { alertType: 'intrusion' });
    await api(g)
      .post('/v1/alerts')
      .set(signedBy(device, alert, 'certificate'))
      .send(alert)
      .expect(202);
  });

  it('when the signature does not match the body, then it is refused with 401 and nothing is written', async () => {
    const alert = alertOf(device.username, projectId);
    const res = await api(g)
      .post('/v1/alerts')
      .set(signedBy(device, { ...alert, alertType: 'dust' }))
      .send(alert)
      .expect(401);
    expect(res.body.error.message).to.match(/signature does not verify/);
    await onLedger(alert.id).expect(404);
  });

  it('when the alert is unsigned or names an unknown device, then it is refused with 401 and nothing is written', async () => {
    const alert = alertOf(device.username, projectId);
    await api(g).post('/v1/alerts').set('X-Device-Id', device.username).send(alert).expect(401);
    const stranger = alertOf('device-nobody-here', projectId);
    await api(g)
      .post('/v1/alerts')
      .set({ ...signedBy(device, stranger), 'X-Device-Id': 'device-nobody-here' })
      .send(stranger)
      .expect(401);
    await onLedger(alert.id).expect(404);
    await onLedger(stranger.id).expect(404);
  });

  it("when the certificate is another device's, then it is refused with 401", async () => {
    const other = await newDevice(g);
    const alert = alertOf(device.username, projectId);
    await api(g)
      .post('/v1/alerts')
      .set({
        'X-Device-Id': device.username,
        'X-Device-Certificate': Buffer.from(other.certificate).toString('base64'),
        'X-Device-Signature': sign(alert, other.privateKeyObject),
      })
      .send(alert)
      .expect(401);
    await onLedger(alert.id).expect(404);
  });

  it('when a clerk signs an alert with their own valid key, then it is refused with 403: only devices raise alerts', async () => {
    const clerkKey = await enrolledKey(clerk.username);
    const alert = alertOf(clerk.username, projectId);
    const res = await api(g)
      .post('/v1/alerts')
      .set({ 'X-Device-Id': clerk.username, 'X-Device-Signature': sign(alert, clerkKey.privateKey) })
      .send(alert)
      .expect(403);
    expect(res.body.error.message).to.match(/only device identities/);
    await onLedger(alert.id).expect(404);
  });

  it('when a device reports for another device id, then it is refused with 403', async () => {
    const alert = alertOf('CAM-elsewhere', projectId);
    await api(g).post('/v1/alerts').set(signedBy(device, alert)).send(alert).expect(403);
    await onLedger(alert.id).expect(404);
  });

  it('when the device has been revoked, then its signed alerts are refused with 403', async () => {
    const revoked = await newDevice(g);
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    await api(g)
      .post(`/v1/users/${revoked.username}/revocation`)
      .set('authorization', `Bearer ${admin}`)
      .send({ reason: '设备报废' })
      .expect(200);
    const alert = alertOf(revoked.username, projectId);
    await api(g).post('/v1/alerts').set(signedBy(revoked, alert)).send(alert).expect(403);
    await onLedger(alert.id).expect(404);
  });

  it('when the alert has an unknown field or a bad hash, then it is refused with 400', async () => {
    const alert = { ...alertOf(device.username, projectId), extra: 1 };
    await api(g).post('/v1/alerts').set(signedBy(device, alert)).send(alert).expect(400);
    const badHash = alertOf(device.username, projectId, { evidenceSha256: 'abc' });
    await api(g).post('/v1/alerts').set(signedBy(device, badHash)).send(badHash).expect(400);
  });

  it('when a clerk acknowledges and then resolves an alert, then each step is anchored and the read model follows', async () => {
    const alert = alertOf(device.username, projectId);
    await raise(alert);
    const ack = await api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).set(bearer(clerk)).send().expect(201);
    expect(ack.body.result).to.include({ status: 'acknowledged' });
    expect(ack.body.receipt.validationCode).to.equal('VALID');
    const done = await api(g)
      .post(`/v1/alerts/${alert.id}/resolution`)
      .set(bearer(clerk))
      .send({ resolution: '已现场整改并教育' })
      .expect(201);
    expect(done.body.result).to.include({ status: 'resolved', resolution: '已现场整改并教育' });
    const inModel = await eventually(
      'resolved in the read model',
      async () => (await api(g).get(`/v1/alerts/${alert.id}`).set(bearer(clerk))).body,
      (b) => b.status === 'resolved',
    );
    expect(inModel.acknowledgedBy.id).to.include(`CN=${clerk.username}`);
    const resolved = await api(g)
      .get(`/v1/alerts?projectId=${projectId}&status=resolved`)
      .set(bearer(clerk))
      .expect(200);
    expect(resolved.body.items.map((a: { id: string }) => a.id)).to.include(alert.id);
  });

  it('when an open alert is resolved, or an acknowledged one acknowledged again, then the illegal transition is refused and the status stays', async () => {
    const alert = alertOf(device.username, projectId);
    await raise(alert);
    const early = await api(g)
      .post(`/v1/alerts/${alert.id}/resolution`)
      .set(bearer(clerk))
      .send({ resolution: '已整改' });
    expect(early.status).to.equal(409);
    expect(early.body.error.message).to.match(/can become resolved only from acknowledged/);
    await api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).set(bearer(clerk)).send().expect(201);
    const twice = await api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).set(bearer(clerk)).send();
    expect(twice.status).to.equal(409);
    expect((await onLedger(alert.id).expect(200)).body.status).to.equal('acknowledged');
  });

  it('when an inspector or no one acknowledges, or a clerk resolves without a resolution, then it is refused and nothing changes', async () => {
    const alert = alertOf(device.username, projectId);
    await raise(alert);
    const inspector = await newUser(g, 'inspector');
    await api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).set(bearer(inspector)).send().expect(403);
    await api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).send().expect(401);
    await api(g).post(`/v1/alerts/${alert.id}/resolution`).set(bearer(clerk)).send({}).expect(400);
    expect((await onLedger(alert.id).expect(200)).body.status).to.equal('open');
  });

  it('when alerts are listed with a bad status or unknown filter, then it is a 400', async () => {
    await api(g).get('/v1/alerts?status=closed').set(bearer(clerk)).expect(400);
    await api(g).get('/v1/alerts?colour=red').set(bearer(clerk)).expect(400);
  });
});

describe('monitoring: progress deviations and risk scores', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let projectId: string;
  let inspector: TestUser;
  let analyst: TestUser;
  before(async () => {
    g = await gatewayUnderTest();
    const contractor = await newUser(g, 'contractor');
    [inspector, analyst, projectId] = await Promise.all([
      newUser(g, 'inspector'),
      newUser(g, 'analyst'),
      newProject(g, contractor),
    ]);
  });

  it('when an inspector records 28 % actual against 40 % planned, then the deviation is −12 (high) and listed by project', async () => {
    const id = uniqueId('DV');
    const res = await api(g)
      .post(`/v1/projects/${projectId}/deviations`)
      .set(bearer(inspector))
      .send({ id, asOf: '2025-05-31', plannedPercent: 40, actualPercent: 28 })
      .expect(201);
    expect(res.body.result).to.include({ deviation: -12, severity: 'high', projectId });
    const list = await eventually(
      'the deviation in the read model',
      async () => (await api(g).get(`/v1/projects/${projectId}/deviations`).set(bearer(analyst)).expect(200)).body,
      (b) => b.items.some((d: { id: string }) => d.id === id),
    );
    expect(list.items.find((d: { id: string }) => d.id === id)).to.include({
      plannedPercent: 40,
      actualPercent: 28,
      deviation: -12,
    });
  });

  it('when a contractor records a deviation, or the percentages are out of range, then it is refused', async () => {
    const contractor = await newUser(g, 'contractor');
    await api(g)
      .post(`/v1/projects/${projectId}/deviations`)
      .set(bearer(contractor))
      .send({ id: uniqueId('DV'), asOf: '2025-05-31', plannedPercent: 40, actualPercent: 28 })
      .expect(403);
    await api(g)
      .post(`/v1/projects/${projectId}/deviations`)
      .set(bearer(inspector))
      .send({ id: uniqueId('DV'), asOf: '2025-05-31', plannedPercent: 140, actualPercent: 28 })
      .expect(400);
  });

  it('when an analyst scores a project, then the computed score is stored with its inputs and model version and listed by project', async () => {
    const id = uniqueId('RS');
    const inputs = {
      weather: { rainfallMm: 72.5, windLevel: 5, temperatureC: 33 },
      schedule: { slipPercent: 8 },
      staffing: { plannedWorkers: 120, actualWorkers: 96 },
    };
    const expected = assessRisk(inputs);
    const what = await api(g).post('/v1/risk-model/assessment').set(bearer(inspector)).send(inputs).expect(200);
    expect(what.body).to.deep.equal(expected);
    const res = await api(g)
      .post(`/v1/projects/${projectId}/risk-scores`)
      .set(bearer(analyst))
      .send({ id, ...inputs })
      .expect(201);
    expect(res.body.result).to.deep.include({
      score: expected.score,
      modelVersion: RISK_MODEL_VERSION,
      inputs: {
        rainfallMm: 72.5,
        windLevel: 5,
        temperatureC: 33,
        slipPercent: 8,
        plannedWorkers: 120,
        actualWorkers: 96,
      },
    });
    const list = await eventually(
      'the risk score in the read model',
      async () => (await api(g).get(`/v1/projects/${projectId}/risk-scores`).set(bearer(inspector)).expect(200)).body,
      (b) => b.items.some((r: { id: string }) => r.id === id),
    );
    expect(list.items.find((r: { id: string }) => r.id === id)).to.deep.include({
      score: expected.score,
      modelVersion: RISK_MODEL_VERSION,
      inputs: expected.inputs,
    });
  });

  it('when finance scores a project, or the inputs are incomplete or give the slip both ways, then it is refused', async () => {
    const finance = await newUser(g, 'finance');
    const inputs = {
      weather: { rainfallMm: 1, windLevel: 1, temperatureC: 20 },
      schedule: { slipDays: 1 },
      staffing: { plannedWorkers: 10, actualWorkers: 10 },
    };
    await api(g)
      .post(`/v1/projects/${projectId}/risk-scores`)
      .set(bearer(finance))
      .send({ id: uniqueId('RS'), ...inputs })
      .expect(403);
    await api(g)
      .post(`/v1/projects/${projectId}/risk-scores`)
      .set(bearer(analyst))
      .send({ id: uniqueId('RS'), weather: inputs.weather, schedule: inputs.schedule })
      .expect(400);
    await api(g)
      .post(`/v1/projects/${projectId}/risk-scores`)
      .set(bearer(analyst))
      .send({ id: uniqueId('RS'), ...inputs, schedule: { slipDays: 1, slipPercent: 5 } })
      .expect(400);
  });
});
