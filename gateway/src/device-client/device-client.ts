import { connect, MqttClient } from 'mqtt';
import { canonicalJson } from '@luohu/domain';
import { ackTopic, alertTopic, signatureTopic, type SafetyAlert } from '../monitoring/alert-schema';
import type { SignatureRequest } from '../operations/author-signed-writes';
import { certificateRequest, CryptoKey, CryptoKeyPair, signBytes } from './keys';

/**
 * What runs on an edge device (the simulator, tests, an integrator's camera firmware): enrollment with the admin's
 * one-time code, and alerts over HTTP or MQTT — every signature made here, with a key that never leaves the device.
 */
export interface DeviceIdentity {
  username: string;
  certificate: string;
  privateKey: CryptoKey;
}

/** The ledger's answer for an alert: its receipt (replayed when the alert was on the ledger already). */
export interface AlertReceipt {
  operationId: string;
  receipt: { transactionId: string; blockNumber: string; validationCode: string };
  replayed: boolean;
}

/** The gateway refused a device's request: its HTTP status and the error code of the body. */
export class DeviceRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

const JSON_BODY = { 'content-type': 'application/json' };

/** Sends the CSR with the one-time code; returns the certificate the bureau's CA issued for this device's key. */
export async function enroll(baseUrl: string, username: string, code: string, keys: CryptoKeyPair): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/enrollments`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ username, code, csr: await certificateRequest(keys, username) }),
  });
  const body = (await res.json()) as { certificate?: string; error?: { code: string; message: string } };
  if (res.status !== 201 || !body.certificate)
    throw new DeviceRequestError(res.status, body.error?.code ?? 'unknown', body.error?.message ?? 'enrollment failed');
  return body.certificate;
}

/** The device's signature over an alert, proving who sends it (canonical JSON, ECDSA P-256/SHA-256). */
export const alertSignature = (device: DeviceIdentity, alert: SafetyAlert) =>
  signBytes(device.privateKey, Buffer.from(canonicalJson(alert)));

/**
 * A careful device signs only what it asked for: the proposal must be a raiseSafetyAlert carrying this alert's ID.
 * (The envelope that follows carries the endorsed proposal; its creator is checked by every peer.)
 */
function checkProposal(step: Pick<SignatureRequest, 'message'>, alert: SafetyAlert): void {
  const bytes = Buffer.from(step.message, 'base64');
  if (!bytes.includes('raiseSafetyAlert') || !bytes.includes(`"id":"${alert.id}"`))
    throw new Error(`the gateway asked to sign a proposal that is not alert ${alert.id}`);
}

/** Alerts over HTTP: POST the signed alert, then the two signatures; the last answer is the receipt. */
export class HttpDevice {
  constructor(
    private readonly baseUrl: string,
    private readonly device: DeviceIdentity,
  ) {}

  async raise(alert: SafetyAlert): Promise<AlertReceipt> {
    const first = await this.post('/v1/alerts', alert, {
      'X-Device-Id': this.device.username,
      'X-Device-Signature': await alertSignature(this.device, alert),
    });
    if (first.status === 201) return { ...(first.body as Omit<AlertReceipt, 'replayed'>), replayed: true };
    const proposal = first.body as SignatureRequest;
    checkProposal(proposal, alert);
    const transaction = await this.sign(proposal);
    return {
      ...((await this.sign(transaction.body as SignatureRequest)).body as Omit<AlertReceipt, 'replayed'>),
      replayed: false,
    };
  }

  private async sign(step: Pick<SignatureRequest, 'transactionId' | 'stage' | 'message'>) {
    const signature = await signBytes(this.device.privateKey, Buffer.from(step.message, 'base64'));
    return this.post(`/v1/transactions/${step.transactionId}/${step.stage}-signature`, { signature });
  }

  private async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...JSON_BODY, ...headers },
      body: JSON.stringify(body),
    });
    const parsed = (await res.json()) as { error?: { code: string; message: string } };
    if (res.status >= 300)
      throw new DeviceRequestError(
        res.status,
        parsed.error?.code ?? 'unknown',
        parsed.error?.message ?? res.statusText,
      );
    return { status: res.status, body: parsed };
  }
}

type Ack =
  | { ok: true; alertId: string; stage: 'proposal' | 'transaction'; transactionId: string; message: string }
  | {
      ok: true;
      alertId: string;
      stage: 'committed';
      operationId: string;
      receipt: AlertReceipt['receipt'];
      replayed: boolean;
    }
  | {
      ok: false;
      alertId: string | null;
      transactionId?: string;
      error: { status: number; code: string; message: string };
    };

/** Alerts over MQTT: the same three steps as messages; the gateway answers each on the device's ack topic. */
export class MqttDevice {
  private readonly waiting = new Set<(ack: Ack) => boolean>();

  private constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
    private readonly device: DeviceIdentity,
  ) {
    client.on('message', (_topic, payload) => {
      let ack: Ack;
      try {
        ack = JSON.parse(payload.toString('utf8')) as Ack;
      } catch {
        return;
      }
      for (const take of this.waiting) if (take(ack)) break;
    });
  }

  /** Connects to the broker and listens on the device's ack topic; `prefix` is the gateway's topic prefix. */
  static async connect(url: string, prefix: string, device: DeviceIdentity): Promise<MqttDevice> {
    const client = connect(url, {
      clientId: `${device.username}-${Date.now().toString(36)}`,
      protocolVersion: 5,
      connectTimeout: 5000,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(ackTopic(prefix, device.username), { qos: 1 });
    return new MqttDevice(client, prefix, device);
  }

  async raise(alert: SafetyAlert, timeoutMs = 60_000): Promise<AlertReceipt> {
    let ack = await this.exchange(
      'alerts',
      { alert, signature: await alertSignature(this.device, alert) },
      (a) => a.alertId === alert.id,
      timeoutMs,
    );
    if (ack.ok && ack.stage === 'proposal') checkProposal(ack, alert);
    while (ack.ok && ack.stage !== 'committed') {
      const { transactionId, stage } = ack;
      const signature = await signBytes(this.device.privateKey, Buffer.from(ack.message, 'base64'));
      ack = await this.exchange(
        'signatures',
        { transactionId, stage, signature },
        (a) =>
          ('transactionId' in a && a.transactionId === transactionId && (!a.ok || a.stage !== stage)) ||
          (a.ok && a.stage === 'committed' && a.alertId === alert.id),
        timeoutMs,
      );
    }
    if (!ack.ok) throw new DeviceRequestError(ack.error.status, ack.error.code, ack.error.message);
    return { operationId: ack.operationId, receipt: ack.receipt, replayed: ack.replayed };
  }

  /** Publishes and waits for the first ack that answers it. */
  private async exchange(
    kind: 'alerts' | 'signatures',
    message: unknown,
    answers: (ack: Ack) => boolean,
    timeoutMs: number,
  ): Promise<Ack> {
    let take!: (ack: Ack) => boolean;
    let timer!: NodeJS.Timeout;
    const answered = new Promise<Ack>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer on ${ackTopic(this.prefix, this.device.username)} within ${timeoutMs} ms`));
      }, timeoutMs);
      take = (ack) => {
        if (!answers(ack)) return false;
        resolve(ack);
        return true;
      };
      this.waiting.add(take);
    });
    const topic =
      kind === 'alerts'
        ? alertTopic(this.prefix, this.device.username)
        : signatureTopic(this.prefix, this.device.username);
    // Awaited together: while the broker is away the publish waits for its reconnect, and the answer's time can run
    // out first; awaited one after the other, that rejection had no handler and ended the process.
    try {
      const [, ack] = await Promise.all([
        this.client.publishAsync(topic, JSON.stringify(message), { qos: 1 }),
        answered,
      ]);
      return ack;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(take);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
