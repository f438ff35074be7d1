import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { MqttDevice } from '../../src/device-client/device-client';
import type { SafetyAlert } from '../../src/monitoring/alert-schema';

/**
 * Found by the long soak: while the broker was down, a device's publish waited for the reconnect longer than its
 * answer's time; that rejection had no handler yet and ended the process (Node's default for unhandled rejections).
 */
describe('a device over MQTT while the broker is away (no broker)', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('when the publish is not acknowledged before the answer is due, then raise rejects and no rejection goes unhandled', async () => {
    // A client whose publishes wait (as mqtt.js queues a QoS 1 publish until it reconnects).
    const client = Object.assign(new EventEmitter(), { publishAsync: () => new Promise(() => undefined) });
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const device = Reflect.construct(MqttDevice, [
      client,
      'luohu/test',
      { username: 'cam-1', certificate: '', privateKey },
    ]) as MqttDevice;
    const alert = { id: 'SA-1' } as SafetyAlert;

    const outcome = await device.raise(alert, 50).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 20)); // an unhandled rejection is reported after the microtasks

    expect(outcome).to.match(/no answer on luohu\/test\/devices\/cam-1\/acks within 50 ms/);
    expect(unhandled).to.deep.equal([]);
  });
});
