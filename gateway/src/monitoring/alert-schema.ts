import { z } from 'zod';
import type { LedgerCall } from '../operations/anchored-route';
import { ledgerId, sha256 } from '../shared/schemas';

import { ALERT_TYPES } from '@luohu/domain';

/** Alert types and statuses are the domain package's (the chaincode accepts exactly these). */
export { ALERT_STATUSES, ALERT_TYPES } from '@luohu/domain';

const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'an ISO-8601 date-time with zone, e.g. 2025-03-03T09:15:00+08:00',
  );
const place = z.string().trim().min(1).max(100);

/**
 * A safety alert as an edge device signs and sends it, over HTTP or MQTT. `deviceId` is the device's gateway
 * username: it binds the payload to the certificate that signed it.
 */
export const safetyAlert = z.strictObject({
  id: ledgerId,
  projectId: ledgerId,
  deviceId: ledgerId,
  alertType: z.enum(ALERT_TYPES),
  observedAt: instant,
  location: z.strictObject({ site: place, zone: place }),
  evidenceSha256: sha256.describe(
    'SHA-256 of the evidence file (photo, clip) kept by the device or uploaded as a document',
  ),
});
/** A device's safety alert as it sends it. */
export type SafetyAlert = z.infer<typeof safetyAlert>;

/** The transaction that records a device's alert on the ledger. */
export const raiseAlertCall = (alert: SafetyAlert): LedgerCall => ({
  namespace: 'monitoring',
  fn: 'raiseSafetyAlert',
  args: [JSON.stringify(alert)],
});

// The bytes a device signs: the alert as the domain's canonical JSON (keys sorted at every level, no whitespace,
// UTF-8), the same on both transports, so a device has one signing routine.

/**
 * MQTT topics per device (both sides use these): it publishes alerts on `…/alerts` and its signatures on
 * `…/signatures`, and reads each answer on `…/acks`.
 */
export const alertTopic = (prefix: string, deviceId: string) => `${prefix}/devices/${deviceId}/alerts`;
/** The topic a device publishes its signatures on. */
export const signatureTopic = (prefix: string, deviceId: string) => `${prefix}/devices/${deviceId}/signatures`;
/** The topic a device reads the gateway's answers on. */
export const ackTopic = (prefix: string, deviceId: string) => `${prefix}/devices/${deviceId}/acks`;
