import { applicationBody, type Cast } from '../cast';
import { keyedWrite } from './keyed-write';
import type { Workload } from './workload';

/** After a step's 201, before the next by someone else: their bureau's peer may be a block behind. */
export const NEXT_STEP_AFTER_MS = 2_000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      const target = { recordKind: 'project', key: [id] };
      const applied = await keyedWrite(
        'application',
        cast.contractor,
        { id, target, path: '/v1/projects', body },
        giveUpAt,
      );
      if (applied.final?.status !== 201) return [applied];
      await sleep(NEXT_STEP_AFTER_MS);
      const preReview = {
        id,
        target: { ...target, step: 'passPreReview' },
        path: `/v1/projects/${id}/pre-review`,
        body: undefined,
      };
      return [applied, await keyedWrite('pre-review', cast.clerk, preReview, giveUpAt)];
    },
  };
}
