import crypto from 'node:crypto';
import { answerOf, newRecord, ReplicaClient, untilDefinite } from '../writers';
import type { Workload } from './workload';

/** Merkle batches: an inspector anchors batch `soak-<run>-<slot>` (POST /v1/batch-anchors). */
export function batchAnchors(inspectors: ReplicaClient[], runId: string): Workload {
  return {
    name: 'batch-anchor',
    write: async (slot, giveUpAt) => {
      const writer = inspectors[slot % inspectors.length];
      const batchId = `soak-${runId}-${slot}`;
      const key = crypto.randomUUID();
      const record = newRecord(
        'batch-anchor',
        batchId,
        key,
        { recordKind: 'batchAnchor', key: [batchId] },
        writer.username,
      );
      const body = {
        batchId,
        merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'),
        itemCount: 1,
        kind: 'photos',
      };
      const attempt = async () =>
        answerOf(await writer.request('POST', '/v1/batch-anchors', body, { 'Idempotency-Key': key }));
      return [await untilDefinite(record, writer, attempt, giveUpAt)];
    },
  };
}
