import crypto from 'node:crypto';
import { connect, MqttClient } from 'mqtt';
import type { Config } from '../config';
import type { AnchoredWrites } from '../operations/anchored-writes';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { raiseAlertCall, safetyAlert } from './alert-schema';
import type { DeviceAuthenticator } from './device-authentication';

export interface MqttSettings { url: string | null; prefix: string }

/**
 * Where the alert subscriber listens. MQTT_URL (default the machine's Mosquitto, `off` to disable) and
 * LUOHU_MQTT_TOPIC_PREFIX (default `luohu/<network instance>`, from the first peer's endpoint, so that parallel
 * networks on one broker never see each other's devices).
 */
export function mqttSettings(config: Config, env: NodeJS.ProcessEnv = process.env): MqttSettings {
  const url = config.mqttUrl ?? env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const instance = (config.connection.orgs[0]?.peers[0]?.endpoint ?? config.connection.channel).replace(/[^A-Za-z0-9._-]/g, '-');
  return { url: url === 'off' ? null : url, prefix: env.LUOHU_MQTT_TOPIC_PREFIX ?? `luohu/${instance}` };
}

/** Devices publish to `<prefix>/devices/<deviceId>/alerts` and read the answer on `<prefix>/devices/<deviceId>/acks`. */
export const alertTopic = (prefix: string, deviceId: string) => `${prefix}/devices/${deviceId}/alerts`;
export const ackTopic = (prefix: string, deviceId: string) => `${prefix}/devices/${deviceId}/acks`;

/** An answer on the ack topic: the receipt, or why nothing was written. */
export type AlertAck =
  | { ok: true; alertId: string; operationId: string; receipt: unknown; replayed: boolean }
  | { ok: false; alertId: string | null; error: { status: number; code: string; message: string } };

/**
 * Edge devices on MQTT. Message: `{ "alert": {…}, "signature": "<base64>", "certificate"?: "<PEM or base64>" }`,
 * signed like the HTTP route. A shared subscription gives each message to one gateway replica only; the alert ID is
 * the Idempotency-Key, so a redelivered message is answered with the first receipt, never a second transaction.
 */
export class MqttAlertSubscriber {
  private client: MqttClient | undefined;

  constructor(
    private readonly settings: MqttSettings,
    private readonly devices: DeviceAuthenticator,
    private readonly writes: AnchoredWrites,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.settings.url) return;
    const filter = `$share/luohu-gateway/${alertTopic(this.settings.prefix, '+')}`;
    const client = connect(this.settings.url, { clientId: `luohu-gateway-${crypto.randomUUID().slice(0, 8)}`, protocolVersion: 5, reconnectPeriod: 2000, connectTimeout: 5000, resubscribe: false });
    this.client = client;
    client.on('message', (topic, payload) => { void this.handle(topic, payload); });
    // While the broker is down the client retries every 2 s: log the first failure of each outage, not every retry.
    let reported = false;
    client.on('error', (err) => { if (!reported) this.logger.warn({ err: err.message }, 'mqtt error'); reported = true; });
    let subscribed: () => void = () => undefined;
    client.on('connect', () => {
      reported = false;
      // Each (re)connection subscribes again: the session is clean, so the broker forgot the subscription.
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) this.logger.error({ err: err.message, filter }, 'mqtt subscribe failed');
        else { this.logger.info({ filter }, 'subscribed to device alerts'); subscribed(); }
      });
    });
    // Do not hold the gateway's start hostage to the broker: wait a little, then keep reconnecting in the background.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.logger.warn({ url: this.settings.url }, 'mqtt broker not reachable yet; device alerts over MQTT wait for it'); resolve(); }, 5000);
      subscribed = () => { clearTimeout(timer); resolve(); };
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
    this.client = undefined;
  }

  /** One message: parse, authenticate the device, submit as the device, answer on its ack topic. */
  async handle(topic: string, payload: Buffer): Promise<AlertAck | undefined> {
    const deviceId = deviceOfTopic(this.settings.prefix, topic);
    if (!deviceId) return undefined; // not ours: no device to answer
    let alertId: string | null = null;
    let ack: AlertAck;
    try {
      const message = parseMessage(payload);
      const alert = safetyAlert.safeParse(message.alert);
      if (!alert.success) throw new AppError(400, 'invalid_request', `the alert is not valid: ${alert.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      alertId = alert.data.id;
      if (alert.data.deviceId !== deviceId) throw new AppError(403, 'forbidden', `the topic's device ${deviceId} is not the alert's device ${alert.data.deviceId}`);
      const device = await this.devices.verify({ deviceId, signature: message.signature, certificate: message.certificate }, alert.data);
      const outcome = await this.writes.write({
        userId: device._id, idempotencyKey: `mqtt:${alert.data.id}`, fingerprint: { method: 'MQTT', path: topic, body: alert.data },
        ...raiseAlertCall(alert.data), async: false,
      });
      ack = { ok: true, alertId, operationId: outcome.body.operationId, receipt: outcome.body.receipt, replayed: outcome.replayed };
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError(500, 'internal', 'internal error');
      if (!(err instanceof AppError)) this.logger.error({ err, topic }, 'mqtt alert failed');
      ack = { ok: false, alertId, error: { status: e.status, code: e.code, message: e.message } };
    }
    this.logger.info({ topic, alertId, ok: ack.ok }, 'mqtt device alert');
    this.client?.publish(ackTopic(this.settings.prefix, deviceId), JSON.stringify(ack), { qos: 1 });
    return ack;
  }
}

function deviceOfTopic(prefix: string, topic: string): string | null {
  if (!topic.startsWith(`${prefix}/devices/`) || !topic.endsWith('/alerts')) return null;
  const id = topic.slice(prefix.length + '/devices/'.length, -'/alerts'.length);
  return /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : null;
}

function parseMessage(payload: Buffer): { alert: unknown; signature?: string; certificate?: string } {
  let message: unknown;
  try {
    message = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new AppError(400, 'invalid_request', 'the message is not JSON');
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) throw new AppError(400, 'invalid_request', 'the message must be an object { alert, signature, certificate? }');
  const { alert, signature, certificate, ...rest } = message as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new AppError(400, 'invalid_request', `unknown fields: ${Object.keys(rest).join(', ')}`);
  if (signature !== undefined && typeof signature !== 'string') throw new AppError(400, 'invalid_request', 'signature must be a base64 string');
  if (certificate !== undefined && typeof certificate !== 'string') throw new AppError(400, 'invalid_request', 'certificate must be a string');
  return { alert, signature, certificate };
}
