import crypto from 'node:crypto';
import { connect, MqttClient } from 'mqtt';
import type { Config } from '../config';
import { toAppError } from '../error-handler';
import type { WriteOutcome } from '../operations/anchored-writes';
import type { AuthorSignedWrites, SignatureRequest } from '../operations/author-signed-writes';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { ackTopic, alertTopic, safetyAlert, signatureTopic } from './alert-schema';
import type { DeviceAlerts } from './device-alerts';

/** The MQTT broker (none: the listener is off) and the topic prefix. */
export interface MqttSettings {
  url: string | null;
  prefix: string;
}

/**
 * Where the alert subscriber listens. MQTT_URL (default the network's own broker, from the connection description;
 * `off` to disable) and LUOHU_MQTT_TOPIC_PREFIX (default `luohu/<network instance>`, from the first peer's endpoint, so
 * that networks sharing a broker never see each other's devices).
 */
export function mqttSettings(config: Pick<Config, 'mqttUrl' | 'mqttTopicPrefix' | 'connection'>): MqttSettings {
  const url = config.mqttUrl ?? config.connection.broker?.url ?? 'off';
  return { url: url === 'off' ? null : url, prefix: config.mqttTopicPrefix ?? defaultTopicPrefix(config.connection) };
}

/**
 * `luohu/<network instance>`: what devices of this network publish under unless LUOHU_MQTT_TOPIC_PREFIX says otherwise.
 */
export function defaultTopicPrefix(connection: Pick<Config['connection'], 'orgs' | 'channel'>): string {
  return `luohu/${(connection.orgs[0]?.peers[0]?.endpoint ?? connection.channel).replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

export { ackTopic, alertTopic, signatureTopic } from './alert-schema';

/** An answer on the ack topic: what to sign next, the receipt, or why nothing was written. */
export type AlertAck =
  | {
      ok: true;
      alertId: string;
      stage: 'proposal' | 'transaction';
      transactionId: string;
      message: string;
      expiresAt: string;
    }
  | { ok: true; alertId: string; stage: 'committed'; operationId: string; receipt: unknown; replayed: boolean }
  | {
      ok: false;
      alertId: string | null;
      transactionId?: string;
      /** As the HTTP answer would be; retryAfter (seconds) where HTTP sends Retry-After: publish the same alert again then. */
      error: { status: number; code: string; message: string; retryAfter?: number };
    };

/**
 * Edge devices on MQTT, in the same steps as over HTTP. The device publishes `{ "alert": {…}, "signature": "<base64>",
 * "certificate"?: "<PEM or base64>" }` (signed like the HTTP route) and is answered with the proposal to sign; it
 * publishes `{ "transactionId", "stage": "proposal", "signature" }` and is answered with the transaction to sign; it
 * publishes `{ "transactionId", "stage": "transaction", "signature" }` and is answered with the receipt. A shared
 * subscription gives each message to one gateway replica; the steps between them live in the database. The alert ID
 * is the idempotency key: a redelivered alert is answered with the first receipt, never a second transaction.
 */
export class MqttAlertSubscriber {
  private client: MqttClient | undefined;

  constructor(
    private readonly settings: MqttSettings,
    private readonly alerts: DeviceAlerts,
    private readonly signed: AuthorSignedWrites,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.settings.url) return;
    const filters = [alertTopic(this.settings.prefix, '+'), signatureTopic(this.settings.prefix, '+')].map(
      (t) => `$share/luohu-gateway/${t}`,
    );
    const client = connect(this.settings.url, {
      clientId: `luohu-gateway-${crypto.randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      resubscribe: false,
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      void this.handle(topic, payload);
    });
    // While the broker is down the client retries every second: log the first failure of each outage, not every retry.
    let reported = false;
    client.on('error', (err) => {
      if (!reported) this.logger.warn({ err: err.message }, 'mqtt error');
      reported = true;
    });
    let subscribed: () => void = () => undefined;
    client.on('connect', () => {
      reported = false;
      // Each (re)connection subscribes again: the session is clean, so the broker forgot the subscription.
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) this.logger.error({ err: err.message, filters }, 'mqtt subscribe failed');
        else {
          this.logger.info({ filters }, 'subscribed to device alerts');
          subscribed();
        }
      });
    });
    // Do not hold the gateway's start hostage to the broker: wait a little, then keep reconnecting in the background.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn(
          { url: this.settings.url },
          'mqtt broker not reachable yet; device alerts over MQTT wait for it',
        );
        resolve();
      }, 5000);
      subscribed = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
    this.client = undefined;
  }

  /** One message: an alert or a signature, answered on the device's ack topic. */
  async handle(topic: string, payload: Buffer): Promise<AlertAck | undefined> {
    const route = routeOf(this.settings.prefix, topic);
    if (!route) return undefined; // not ours: no device to answer
    const { deviceId, kind } = route;
    let alertId: string | null = null;
    let transactionId: string | undefined;
    let ack: AlertAck;
    try {
      const message = parseMessage(payload);
      if (kind === 'alerts') {
        const alert = safetyAlert.safeParse(message.alert);
        if (!alert.success)
          throw new AppError(
            400,
            'invalid_request',
            `the alert is not valid: ${alert.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        alertId = alert.data.id;
        if (alert.data.deviceId !== deviceId)
          throw new AppError(
            403,
            'forbidden',
            `the topic's device ${deviceId} is not the alert's device ${alert.data.deviceId}`,
          );
        const step = await this.alerts.raise(
          {
            deviceId,
            signature: text(message.signature, 'signature'),
            certificate: text(message.certificate, 'certificate'),
          },
          alert.data,
        );
        ack = 'done' in step ? committed(alertId, step.done) : { ok: true, alertId, ...pick(step.sign) };
      } else {
        transactionId = text(message.transactionId, 'transactionId');
        if (!transactionId || !/^[0-9a-f]{64}$/.test(transactionId))
          throw new AppError(
            400,
            'invalid_request',
            'transactionId must be the 64 hex digits of the answer being signed',
          );
        alertId = (await this.signed.referenceOf(transactionId)) ?? null;
        const signature = text(message.signature, 'signature') ?? '';
        if (message.stage === 'proposal') {
          const next = await this.signed.signProposal(transactionId, signature, deviceId);
          ack = { ok: true, alertId: next.reference, ...pick(next) };
        } else if (message.stage === 'transaction') {
          const { reference, ...outcome } = await this.signed.signTransaction(transactionId, signature, deviceId);
          ack = committed(reference, outcome);
        } else {
          throw new AppError(400, 'invalid_request', 'stage must be "proposal" or "transaction"');
        }
      }
    } catch (err) {
      // The HTTP routes' error table: a database outage is 503 database_unavailable (retry), not 500, here too.
      const e = toAppError(err);
      if (e.status >= 500) this.logger.error({ err, topic }, 'mqtt alert failed');
      const retryAfter = Number(e.headers['Retry-After']) || undefined;
      ack = {
        ok: false,
        alertId,
        ...(transactionId ? { transactionId } : {}),
        error: { status: e.status, code: e.code, message: e.message, ...(retryAfter ? { retryAfter } : {}) },
      };
    }
    this.logger.info({ topic, alertId, ok: ack.ok, stage: ack.ok ? ack.stage : undefined }, 'mqtt device message');
    this.client?.publish(ackTopic(this.settings.prefix, deviceId), JSON.stringify(ack), { qos: 1 });
    return ack;
  }
}

const pick = (s: SignatureRequest) => ({
  stage: s.stage,
  transactionId: s.transactionId,
  message: s.message,
  expiresAt: s.expiresAt,
});

function committed(alertId: string, outcome: WriteOutcome): AlertAck {
  return {
    ok: true,
    alertId,
    stage: 'committed',
    operationId: outcome.body.operationId,
    receipt: outcome.body.receipt,
    replayed: outcome.replayed,
  };
}

function text(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string')
    throw new AppError(400, 'invalid_request', `${name} must be a string`);
  return value;
}

function routeOf(prefix: string, topic: string): { deviceId: string; kind: 'alerts' | 'signatures' } | null {
  const m = topic.startsWith(`${prefix}/devices/`)
    ? /^([A-Za-z0-9._:-]{1,128})\/(alerts|signatures)$/.exec(topic.slice(prefix.length + '/devices/'.length))
    : null;
  return m ? { deviceId: m[1], kind: m[2] as 'alerts' | 'signatures' } : null;
}

const MESSAGE_FIELDS = new Set(['alert', 'signature', 'certificate', 'transactionId', 'stage']);

function parseMessage(payload: Buffer): Record<string, unknown> {
  let message: unknown;
  try {
    message = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new AppError(400, 'invalid_request', 'the message is not JSON');
  }
  if (!message || typeof message !== 'object' || Array.isArray(message))
    throw new AppError(400, 'invalid_request', 'the message must be an object');
  const unknown = Object.keys(message).filter((k) => !MESSAGE_FIELDS.has(k));
  if (unknown.length > 0) throw new AppError(400, 'invalid_request', `unknown fields: ${unknown.join(', ')}`);
  return message as Record<string, unknown>;
}
