import crypto from 'node:crypto';
import { applicationBody, type Cast } from '../cast';
import { answerOf, newRecord, ReplicaClient, untilDefinite, WriteRecord } from '../writers';
import type { Workload } from './workload';

/** After the application's 201, before the clerk pre-reviews: the clerk's bureau peer may be a block behind. */
const PRE_REVIEW_AFTER_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One step on project `projectId` by `who`, with a key of its own, retried until a definite answer. */
function projectStep(
  kind: string,
  who: ReplicaClient,
  projectId: string,
  step: { path: string; body: unknown; ledgerStep?: string },
  giveUpAt: () => number,
): Promise<WriteRecord> {
  const key = crypto.randomUUID();
  const target = { recordKind: 'project', key: [projectId], ...(step.ledgerStep ? { step: step.ledgerStep } : {}) };
  const record = newRecord(kind, projectId, key, target, who.username);
  const attempt = async () => answerOf(await who.request('POST', step.path, step.body, { 'Idempotency-Key': key }));
  return untilDefinite(record, who, attempt, giveUpAt);
}

/**
 * Applications and their pre-review: the contractor applies for project `P-SOAK-<run>-<slot>` with the files anchored
 * for its company; once that is acknowledged, the clerk passes its pre-review (its own record: a second write).
 */
export function applications(cast: Pick<Cast, 'contractor' | 'clerk' | 'files' | 'company'>, runId: string): Workload {
  return {
    name: 'application',
    write: async (slot, giveUpAt) => {
      const id = `P-SOAK-${runId}-${slot}`;
      const body = applicationBody(id, cast.files, cast.company);
      const applied = await projectStep('application', cast.contractor, id, { path: '/v1/projects', body }, giveUpAt);
      if (applied.final?.status !== 201) return [applied];
      await sleep(PRE_REVIEW_AFTER_MS);
      const preReview = { path: `/v1/projects/${id}/pre-review`, body: undefined, ledgerStep: 'passPreReview' };
      return [applied, await projectStep('pre-review', cast.clerk, id, preReview, giveUpAt)];
    },
  };
}
