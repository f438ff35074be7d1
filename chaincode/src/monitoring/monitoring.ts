/** Monitoring (进度与质量) model: safety alerts from edge devices, progress deviations, risk scores. */
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';

export const SAFETY_ALERT = 'safetyAlert';
export const SAFETY_BY_PROJECT = 'safetyAlert~project';
export const SAFETY_BY_STATUS = 'safetyAlert~status';
export const DEVIATION = 'progressDeviation';
export const RISK = 'riskScore';

import { ALERT_TYPES, AlertStatus } from '@luohu/domain';
import { refuse } from '../shared/refusal';

export { ALERT_TYPES } from '@luohu/domain';

/** A safety alert on the ledger: which device saw what, where and when, the evidence's hash, and its handling. */
export interface SafetyAlert {
  docType: 'safetyAlert';
  id: string;
  projectId: string;
  deviceId: string;
  device: Actor;
  alertType: (typeof ALERT_TYPES)[number];
  observedAt: string;
  location: { site: string; zone: string };
  evidenceSha256: string;
  status: AlertStatus;
  raisedAt: string;
  acknowledgedBy?: Actor;
  acknowledgedAt?: string;
  resolvedBy?: Actor;
  resolvedAt?: string;
  resolution?: string;
}

/** An alert's JSON argument as the device signed it, checked field by field (unknown fields refused). */
export function parseSafetyAlert(json: string) {
  const input = Input.parse('safetyAlert', json);
  const value = {
    id: input.id('id'),
    projectId: input.id('projectId'),
    deviceId: input.id('deviceId'),
    alertType: input.oneOf('alertType', ALERT_TYPES),
    observedAt: input.instant('observedAt'),
    location: (() => {
      const loc = new Input('safetyAlert.location', input.raw('location'));
      const l = { site: loc.text('site', 100), zone: loc.text('zone', 100) };
      loc.done();
      return l;
    })(),
    evidenceSha256: input.hex64('evidenceSha256'),
  };
  input.done();
  return value;
}

/** Deviation severity: |actual − planned| of 10 points or more is high, 5 or more medium. */
export function severityOf(deviation: number): 'low' | 'medium' | 'high' {
  const d = Math.abs(deviation);
  return d >= 10 ? 'high' : d >= 5 ? 'medium' : 'low';
}

/** A progress deviation's JSON argument: planned against actual percent of a project (or contract) as of a day. */
export function parseDeviation(json: string) {
  const input = Input.parse('progressDeviation', json);
  const value = {
    id: input.id('id'),
    projectId: input.id('projectId'),
    contractId: input.optional('contractId', (f) => input.id(f)) ?? null,
    asOf: input.day('asOf'),
    plannedPercent: input.num('plannedPercent', 0, 100),
    actualPercent: input.num('actualPercent', 0, 100),
  };
  input.done();
  return value;
}

/**
 * A risk score's JSON argument, with the model's inputs (flat numbers, strings or booleans) so that the score can be
 * recomputed.
 */
export function parseRiskScore(json: string) {
  const input = Input.parse('riskScore', json);
  const inputs = input.raw('inputs');
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs) || Object.keys(inputs).length === 0) {
    throw refuse('invalid_request', 'riskScore.inputs must be a non-empty object of the model inputs');
  }
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
      throw refuse('invalid_request', `riskScore.inputs.${k} must be a number, string or boolean`);
    }
  }
  const value = {
    id: input.id('id'),
    projectId: input.id('projectId'),
    score: input.num('score', 0, 100),
    modelVersion: input.text('modelVersion', 64),
    inputs: inputs as Record<string, number | string | boolean>,
  };
  input.done();
  return value;
}
