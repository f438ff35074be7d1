import { expect } from 'chai';
import { connectAsync, MqttClient } from 'mqtt';
import { networkCliOk, networkStatus } from '../../network/test/support/suite-network';
import { MqttDevice } from '../src/device-client/device-client';
import { signBytes } from '../src/device-client/keys';
import { ackTopic, AlertAck, alertTopic, mqttSettings, signatureTopic } from '../src/monitoring/mqtt-alerts';
import { alertOf, closeFixtures, Device, newDevice, newProject, sign } from './monitoring-fixtures';
import {
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  newUser,
  testConfig,
  TestGateway,
  TestUser,
} from './support/gateway';

describe('monitoring: device alerts over MQTT', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let device: Device;
  let clerk: TestUser;
  let projectId: string;
  let broker: MqttClient;
  const acks: Array<{ topic: string; ack: AlertAck }> = [];
  /** The network's own Mosquitto and its topic prefix (the gateway under test subscribes to it). */
  let settings: ReturnType<typeof mqttSettings>;

  before(async () => {
    g = await gatewayUnderTest(); // the network is up from here on: its connection description can be read
    settings = mqttSettings(testConfig());
    const contractor = await newUser(g, 'contractor');
    [device, clerk, projectId] = await Promise.all([newDevice(g), newUser(g, 'clerk'), newProject(g, contractor)]);
    broker = await connectAsync(settings.url!, { protocolVersion: 5 });
    broker.on('message', (topic, payload) => acks.push({ topic, ack: JSON.parse(payload.toString()) }));
    await broker.subscribeAsync(ackTopic(settings.prefix, '+'), { qos: 1 });
  });
  after(async () => {
    await broker?.endAsync();
    await closeFixtures();
  });

  /** Publishes as a camera would and waits for the gateway's answer on the device's ack topic. */
  const publish = (deviceId: string, payload: string | object, match: (a: AlertAck) => boolean) =>
    publishOn(alertTopic(settings.prefix, deviceId), deviceId, payload, match);
  async function publishOn(
    topic: string,
    deviceId: string,
    payload: string | object,
    match: (a: AlertAck) => boolean,
  ): Promise<AlertAck> {
    const seen = acks.length;
    await broker.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
    const found = await eventually(
      'an ack on the device topic',
      async () => acks.slice(seen).find((a) => a.topic === ackTopic(settings.prefix, deviceId) && match(a.ack)),
      (a) => a !== undefined,
    );
    return found!.ack;
  }
  const onLedger = (id: string) => api(g).get(`/v1/alerts/${id}?source=ledger`).set(bearer(clerk));

  it('when a camera publishes a signed alert and signs what it is sent, then it is committed as the device, acked with the receipt, and appears in the read model', async () => {
    const alert = alertOf(device.username, projectId, { alertType: 'fire_smoke' });
    const camera = await MqttDevice.connect(settings.url!, settings.prefix, device);
    const { receipt, replayed } = await camera.raise(alert).finally(() => camera.close());
    expect(replayed).to.equal(false);
    expect(receipt.validationCode).to.equal('VALID');
    const inModel = await eventually(
      'the alert in the read model',
      async () => (await api(g).get(`/v1/alerts/${alert.id}`).set(bearer(clerk))).body,
      (b) => b.status === 'open',
    );
    expect(inModel).to.include({
      deviceId: device.username,
      alertType: 'fire_smoke',
      transactionId: receipt.transactionId,
    });
    expect(inModel.device.id).to.include(`CN=${device.username}`);
    const byProject = await api(g).get(`/v1/alerts?projectId=${projectId}`).set(bearer(clerk)).expect(200);
    expect(byProject.body.items.map((a: { id: string }) => a.id)).to.include(alert.id);
  });

  it('when the broker delivers a committed alert again, then the ack carries the first receipt and no second transaction is made', async () => {
    const alert = alertOf(device.username, projectId);
    const camera = await MqttDevice.connect(settings.url!, settings.prefix, device);
    const first = await camera.raise(alert).finally(() => camera.close());
    const message = { alert, signature: sign(alert, device.privateKeyObject), certificate: device.certificate };
    const again = await publish(
      device.username,
      message,
      (a) => a.alertId === alert.id && a.ok && a.stage === 'committed',
    );
    expect(again).to.deep.include({ ok: true, stage: 'committed', replayed: true, receipt: first.receipt });
  });

  it("when a signature arrives on another device's topic or is not the device's, then it is nacked and the alert waits for the real one", async () => {
    const alert = alertOf(device.username, projectId, { alertType: 'crane_overload' });
    const asked = await publish(
      device.username,
      { alert, signature: sign(alert, device.privateKeyObject) },
      (a) => a.alertId === alert.id,
    );
    if (!asked.ok || asked.stage !== 'proposal')
      throw new Error(`expected a proposal to sign: ${JSON.stringify(asked)}`);
    const other = await newDevice(g);
    const signature = await signBytes(device.privateKey, Buffer.from(asked.message, 'base64'));
    const elsewhere = await publishOn(
      signatureTopic(settings.prefix, other.username),
      other.username,
      { transactionId: asked.transactionId, stage: 'proposal', signature },
      (a) => !a.ok,
    );
    if (!elsewhere.ok) expect(elsewhere.error.status).to.equal(403);
    const forged = await signBytes(other.privateKey, Buffer.from(asked.message, 'base64'));
    const wrong = await publishOn(
      signatureTopic(settings.prefix, device.username),
      device.username,
      { transactionId: asked.transactionId, stage: 'proposal', signature: forged },
      (a) => 'transactionId' in a && a.transactionId === asked.transactionId,
    );
    expect(wrong.ok).to.equal(false);
    if (!wrong.ok) expect(wrong.error).to.include({ status: 401, code: 'signature_invalid' });
    await onLedger(alert.id).expect(404);
    const next = await publishOn(
      signatureTopic(settings.prefix, device.username),
      device.username,
      { transactionId: asked.transactionId, stage: 'proposal', signature },
      (a) => a.ok && a.stage === 'transaction',
    );
    expect(next).to.include({ ok: true, stage: 'transaction', alertId: alert.id });
  });

  it('when a message is not JSON or its alert is malformed, then it is nacked as invalid and nothing is written', async () => {
    const garbage = await publish(device.username, 'not json {', (a) => !a.ok && a.alertId === null);
    expect(garbage.ok).to.equal(false);
    if (!garbage.ok) expect(garbage.error.code).to.equal('invalid_request');
    const alert = { ...alertOf(device.username, projectId), alertType: 'smile' };
    const bad = await publish(
      device.username,
      { alert, signature: sign(alert, device.privateKeyObject) },
      (a) => !a.ok && a.alertId === null && /alertType/.test(a.error.message),
    );
    if (!bad.ok) expect(bad.error.status).to.equal(400);
    await onLedger(alert.id).expect(404);
  });

  it('when an alert is unsigned or signed with another key, then it is nacked as unauthorized and nothing is written', async () => {
    const unsigned = alertOf(device.username, projectId);
    const nack = await publish(device.username, { alert: unsigned }, (a) => a.alertId === unsigned.id);
    expect(nack).to.deep.include({ ok: false });
    if (!nack.ok) expect(nack.error).to.include({ status: 401, code: 'unauthorized' });
    const other = await newDevice(g);
    const forged = alertOf(device.username, projectId);
    const nack2 = await publish(
      device.username,
      { alert: forged, signature: sign(forged, other.privateKeyObject) },
      (a) => a.alertId === forged.id,
    );
    if (!nack2.ok) expect(nack2.error.status).to.equal(401);
    expect(nack2.ok).to.equal(false);
    await onLedger(unsigned.id).expect(404);
    await onLedger(forged.id).expect(404);
  });

  it("when the topic's device is not the alert's device, then it is nacked as forbidden and nothing is written", async () => {
    const other = await newDevice(g);
    const alert = alertOf(device.username, projectId);
    const nack = await publish(
      other.username,
      { alert, signature: sign(alert, device.privateKeyObject) },
      (a) => a.alertId === alert.id,
    );
    expect(nack.ok).to.equal(false);
    if (!nack.ok) expect(nack.error.status).to.equal(403);
    await onLedger(alert.id).expect(404);
  });

  it("when the broker is killed with SIGKILL and brought back by `up`, then the gateway subscribes again and a camera's alert is acked with its receipt", async () => {
    const node = (await networkStatus()).nodes.find((n) => n.id === 'broker')!;
    expect(node.endpoint).to.equal(settings.url!.replace('mqtt://', '')); // the network's broker, not the machine's
    process.kill(node.pid!, 'SIGKILL');
    await networkCliOk(['up']);
    const alert = alertOf(device.username, projectId, { alertType: 'no_helmet' });
    const camera = await MqttDevice.connect(settings.url!, settings.prefix, device);
    // The gateway reconnects on its own (within a second or so); until it has subscribed again the camera hears nothing.
    const acked = await eventually(
      'an alert acked after the broker came back',
      () => camera.raise({ ...alert }, 5_000).catch(() => undefined),
      (r) => r !== undefined,
    ).finally(() => camera.close());
    expect(acked!.receipt.validationCode).to.equal('VALID');
    await onLedger(alert.id).expect(200);
  });
});
