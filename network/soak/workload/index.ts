import { defaultTopicPrefix } from '../../../gateway/src/monitoring/mqtt-alerts';
import { readConnectionDescription } from '../../src/client';
import type { Cast } from '../cast';
import { enrollPayouts } from '../funds-cast';
import type { WriteRecord } from '../writers';
import { applications } from './application';
import { batchAnchors } from './batch-anchor';
import { complaints } from './complaint';
import { deviceAlerts } from './device-alert';
import { DEFAULT_MIX, Mix, workloadOfSlot } from './mix';
import { payouts } from './payout';
import type { Workload } from './workload';

/** Every workload the mix can choose, by name. */
export const WORKLOADS = ['batch-anchor', 'complaint', 'alert-http', 'alert-mqtt', 'application', 'payout'];

/**
 * The soak's mixed workload: each write slot's kind chosen by `mix`. MQTT devices publish on the network's own broker
 * (its connection description names it; the schedule kills it too) under the topic prefix the gateways derive from this
 * network's first peer (LUOHU_MQTT_TOPIC_PREFIX when set).
 */
export async function mixedWorkload(
  cast: Cast,
  runId: string,
  { baseUrls, runDir, adminPassword }: { baseUrls: string[]; runDir: string; adminPassword: string },
  mix: Mix = DEFAULT_MIX,
) {
  const description = readConnectionDescription(runDir);
  if (!description.broker)
    throw new Error('soak: the network names no MQTT broker (run `network up` with this version)');
  const to = {
    baseUrls,
    mqttUrl: description.broker.url,
    topicPrefix: process.env.LUOHU_MQTT_TOPIC_PREFIX ?? defaultTopicPrefix(description),
  };
  const chosen = WORKLOADS.filter((name) => (mix[name] ?? 0) > 0);
  const make = (name: string): Promise<Workload> | Workload => {
    if (name === 'batch-anchor') return batchAnchors(cast.inspectors, runId);
    if (name === 'complaint') return complaints(baseUrls, runId);
    if (name === 'application') return applications(cast, runId);
    if (name === 'payout') return enrollPayouts(cast, baseUrls, adminPassword, runId).then((p) => payouts(p, runId));
    const transport = name === 'alert-http' ? 'http' : 'mqtt';
    return deviceAlerts(transport, cast.devices[transport], cast.siteProject, runId, to);
  };
  const byName = new Map((await Promise.all(chosen.map(make))).map((w) => [w.name, w]));
  return {
    write: (slot: number, giveUpAt: () => number): Promise<WriteRecord[]> =>
      byName.get(workloadOfSlot(slot, mix))!.write(slot, giveUpAt),
    describe: () => chosen.map((name) => `${name} ×${mix[name]}`).join(', '),
    close: async () => {
      await Promise.all([...byName.values()].map((w) => w.close?.()));
    },
  };
}
