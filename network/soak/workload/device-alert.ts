import crypto from 'node:crypto';
import {
  AlertReceipt,
  DeviceIdentity,
  DeviceRequestError,
  HttpDevice,
  MqttDevice,
} from '../../../gateway/src/device-client/device-client';
import type { SafetyAlert } from '../../../gateway/src/monitoring/alert-schema';
import { Answer, newRecord, Replicas, untilDefinite } from '../writers';
import type { Workload } from './workload';

/** How long an MQTT device waits for each ack before it sends the alert again (a replica killed mid-exchange). */
const ACK_TIMEOUT_MS = 15_000;

/** The device's answer as the soak keeps it: the receipt, or the refusal the gateway sent (anything else throws). */
async function deviceAnswer(raise: () => Promise<AlertReceipt>): Promise<Answer> {
  try {
    const { receipt } = await raise();
    return { at: Date.now(), status: 201, transactionId: receipt.transactionId, blockNumber: receipt.blockNumber };
  } catch (err) {
    if (err instanceof DeviceRequestError) return { at: Date.now(), status: err.status, code: err.code };
    throw err;
  }
}

function alertOf(device: DeviceIdentity, projectId: string, id: string, slot: number): SafetyAlert {
  return {
    id,
    projectId,
    deviceId: device.username,
    alertType: 'no_helmet',
    observedAt: new Date().toISOString(),
    location: { site: '浸泡测试工地', zone: `${(slot % 3) + 1}号作业区` },
    evidenceSha256: crypto.createHash('sha256').update(`frame ${id}`).digest('hex'),
  };
}

/**
 * Device safety alerts, signed by the enrolled device itself at every step: over HTTP at whichever replica answers,
 * or over MQTT through the network's broker (a shared subscription hands each message to one replica). The alert's id
 * is its idempotency key on both transports: a retry sends the same alert again.
 */
export async function deviceAlerts(
  transport: 'http' | 'mqtt',
  device: DeviceIdentity,
  projectId: string,
  runId: string,
  to: { baseUrls: string[]; mqttUrl: string; topicPrefix: string },
): Promise<Workload> {
  const mqtt = transport === 'mqtt' ? await MqttDevice.connect(to.mqttUrl, to.topicPrefix, device) : undefined;
  const name = `alert-${transport}`;
  return {
    name,
    write: async (slot, giveUpAt) => {
      const id = `SA-soak-${runId}-${slot}`;
      const alert = alertOf(device, projectId, id, slot);
      const record = newRecord(name, id, id, { recordKind: 'safetyAlert', key: [id] }, device.username);
      // MQTT has one broker (killed by the schedule too; the device's client reconnects on its own): a "replica" of one,
      // so that a lost ack waits before the next try.
      const replicas = new Replicas(mqtt ? ['mqtt'] : to.baseUrls, slot);
      const attempt = () =>
        deviceAnswer(() =>
          mqtt ? mqtt.raise(alert, ACK_TIMEOUT_MS) : new HttpDevice(replicas.baseUrl, device).raise(alert),
        );
      return [await untilDefinite(record, replicas, attempt, giveUpAt)];
    },
    close: async () => mqtt?.close(),
  };
}
