import { expect } from 'chai';
import { MqttAlertSubscriber } from '../../src/monitoring/mqtt-alerts';
import type { DeviceAlerts } from '../../src/monitoring/device-alerts';
import type { AuthorSignedWrites } from '../../src/operations/author-signed-writes';
import { createLogger } from '../../src/platform/logger';

const PREFIX = 'luohu/test';
const alert = {
  id: 'SA-unit-1',
  projectId: 'P-UNIT',
  deviceId: 'cam-1',
  alertType: 'no_helmet',
  observedAt: '2026-12-05T10:00:00.000Z',
  location: { site: '工地', zone: '1号区' },
  evidenceSha256: 'a'.repeat(64),
};

/** A subscriber with no broker (handle() is called directly) over alerts that fail as `failure` says. */
function subscriberFailingWith(failure: Error): MqttAlertSubscriber {
  const alerts = { raise: () => Promise.reject(failure) } as unknown as DeviceAlerts;
  return new MqttAlertSubscriber(
    { url: null, prefix: PREFIX },
    alerts,
    {} as AuthorSignedWrites,
    createLogger('silent'),
  );
}

/** Found by the soak: over MQTT a database outage was answered 500 internal, so devices gave up instead of retrying. */
describe('MQTT answers: the same error table as HTTP', () => {
  it('when the database is unreachable while an alert arrives, then the device is answered 503 database_unavailable with retryAfter, not 500', async () => {
    const lost = Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
    const ack = await subscriberFailingWith(lost).handle(
      `${PREFIX}/devices/cam-1/alerts`,
      Buffer.from(JSON.stringify({ alert, signature: 'c2ln' })),
    );
    expect(ack).to.deep.equal({
      ok: false,
      alertId: alert.id,
      error: {
        status: 503,
        code: 'database_unavailable',
        message: 'the database is not answering; retry shortly',
        retryAfter: 1,
      },
    });
  });

  it('when the database is at capacity, then the answer is 503 overloaded with retryAfter; anything unknown stays 500 without', async () => {
    const busy = Object.assign(new Error('timed out'), { name: 'MongoWaitQueueTimeoutError' });
    const topic = `${PREFIX}/devices/cam-1/alerts`;
    const message = Buffer.from(JSON.stringify({ alert, signature: 'c2ln' }));
    const overloaded = await subscriberFailingWith(busy).handle(topic, message);
    expect(overloaded && !overloaded.ok && overloaded.error).to.include({
      status: 503,
      code: 'overloaded',
      retryAfter: 1,
    });
    const unknown = await subscriberFailingWith(new Error('boom')).handle(topic, message);
    expect(unknown && !unknown.ok && unknown.error).to.deep.equal({
      status: 500,
      code: 'internal',
      message: 'internal error',
    });
  });
});
