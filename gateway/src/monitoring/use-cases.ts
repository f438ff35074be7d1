import type { z } from 'zod';
import { ledgerWrite } from '../operations/ledger-write';
import { assessRisk, type riskInputs } from './risk-model';

/**
 * 进度与质量 actions by staff: each is one ledger transaction by its actor (a device's alert is the device's own
 * signed transaction: DeviceAlerts).
 */

/** Acknowledge an open alert (open → acknowledged). */
export const acknowledgeAlert = ledgerWrite<{ id: string }>({
  access: ['clerk'],
  call: ({ id }) => ({ namespace: 'monitoring', fn: 'acknowledgeSafetyAlert', args: [id] }),
});

/** Resolve an acknowledged alert with what was done on site (acknowledged → resolved). */
export const resolveAlert = ledgerWrite<{ id: string; resolution: string }>({
  access: ['clerk'],
  call: ({ id, resolution }) => ({ namespace: 'monitoring', fn: 'resolveSafetyAlert', args: [id, resolution] }),
});

/** Planned vs actual progress of a project as of a day; the ledger computes the deviation and its severity. */
export interface ProgressObservation {
  id: string;
  projectId: string;
  asOf: string;
  plannedPercent: number;
  actualPercent: number;
  contractId?: string;
}

/** Record planned vs actual progress as of a day. */
export const recordProgressDeviation = ledgerWrite<ProgressObservation>({
  access: ['clerk', 'inspector'],
  call: (observation) => ({
    namespace: 'monitoring',
    fn: 'recordProgressDeviation',
    args: [JSON.stringify(observation)],
  }),
});

/**
 * Score a project's risk with the gateway's model (weather, schedule slip, staffing): the score goes to the ledger with
 * its inputs and the model's version, so that anyone can recompute it.
 */
export const recordRiskScore = ledgerWrite<{ id: string; projectId: string; inputs: z.infer<typeof riskInputs> }>({
  access: ['analyst', 'clerk'],
  call: ({ id, projectId, inputs }) => {
    const risk = assessRisk(inputs);
    return {
      namespace: 'monitoring',
      fn: 'recordRiskScore',
      args: [
        JSON.stringify({ id, projectId, score: risk.score, modelVersion: risk.modelVersion, inputs: risk.inputs }),
      ],
    };
  },
});
