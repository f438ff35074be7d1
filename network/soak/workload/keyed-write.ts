import crypto from 'node:crypto';
import { answerOf, LedgerTarget, newRecord, ReplicaClient, untilDefinite, WriteRecord } from '../writers';

/**
 * One POST by a signed-in key holder with an Idempotency-Key of its own, retried with that key until a definite answer
 * or `giveUpAt` (the write's signature steps are made by the client at each attempt).
 */
export function keyedWrite(
  kind: string,
  who: ReplicaClient,
  write: { id: string; target: LedgerTarget; path: string; body: unknown },
  giveUpAt: () => number,
): Promise<WriteRecord> {
  const key = crypto.randomUUID();
  const record = newRecord(kind, write.id, key, write.target, who.username);
  const attempt = async () => answerOf(await who.request('POST', write.path, write.body, { 'Idempotency-Key': key }));
  return untilDefinite(record, who, attempt, giveUpAt);
}
