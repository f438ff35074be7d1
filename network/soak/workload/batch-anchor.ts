import crypto from 'node:crypto';
import type { ReplicaClient } from '../writers';
import { keyedWrite } from './keyed-write';
import type { Workload } from './workload';

/** Merkle batches: an inspector anchors batch `soak-<run>-<slot>` (POST /v1/batch-anchors). */
export function batchAnchors(inspectors: ReplicaClient[], runId: string): Workload {
  return {
    name: 'batch-anchor',
    write: async (slot, giveUpAt) => {
      const batchId = `soak-${runId}-${slot}`;
      const body = {
        batchId,
        merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'),
        itemCount: 1,
        kind: 'photos',
      };
      const target = { recordKind: 'batchAnchor', key: [batchId] };
      const writer = inspectors[slot % inspectors.length];
      return [
        await keyedWrite('batch-anchor', writer, { id: batchId, target, path: '/v1/batch-anchors', body }, giveUpAt),
      ];
    },
  };
}
