import fs from 'node:fs';
import path from 'node:path';
import { layout } from './layout';
import { ProcessSpec } from './processes';
import { Settings } from './settings';
import { BrokerNode } from './topology';

/** Debian's Mosquitto (package mosquitto), as install.sh ensures. */
const MOSQUITTO = '/usr/sbin/mosquitto';

/** The broker's URL for the gateway replicas and the devices. */
export const brokerUrl = (b: BrokerNode) => `mqtt://${b.listen.host}:${b.listen.port}`;

/**
 * The network's own MQTT broker: one listener on the topology's address, no persistence (an alert in flight when it dies
 * is retried by its device, which is answered only once the alert is on the ledger), logs to the node's log file.
 * Anonymous clients are let in: every alert is signed by its device's own key and checked by the chaincode, and the
 * topics are only a transport.
 */
export function brokerProcess(s: Settings, b: BrokerNode): ProcessSpec {
  const dir = layout(s).configDir(b);
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    config,
    [
      `listener ${b.listen.port} ${b.listen.host}`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stdout',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'max_queued_messages 10000',
      '',
    ].join('\n'),
  );
  return { id: b.id, program: MOSQUITTO, args: ['-c', config], env: { PATH: process.env.PATH }, cwd: dir };
}
