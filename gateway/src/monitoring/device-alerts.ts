import type { AuthorSignedWrites, SignatureRequest } from '../operations/author-signed-writes';
import type { WriteOutcome } from '../operations/anchored-writes';
import { raiseAlertCall, SafetyAlert } from './alert-schema';
import type { DeviceAuthenticator, DeviceClaim } from './device-authentication';

/** The next thing a device does with an alert: sign this, or nothing (it is on the ledger: here is the receipt). */
export type AlertStep = { sign: SignatureRequest } | { done: WriteOutcome };

/**
 * A device raises an alert, over HTTP or MQTT alike: it proves itself by its signature over the alert, then signs
 * the ledger transaction itself (proposal, then transaction). The alert's ID is the idempotency key on both
 * transports, so an alert sent twice, or over both, is one transaction.
 */
export class DeviceAlerts {
  constructor(
    private readonly devices: DeviceAuthenticator,
    private readonly signed: AuthorSignedWrites,
  ) {}

  async raise(claim: DeviceClaim, alert: SafetyAlert): Promise<AlertStep> {
    const device = await this.devices.verify(claim, alert);
    return this.signed.start(device, `alert:${alert.id}`, { alert }, raiseAlertCall(alert), alert.id);
  }
}
