import crypto from 'node:crypto';
import { SigningClient } from '../../gateway/src/client';

/** One answer a client got for a write, as it got it. */
export interface Answer {
  at: number;
  status: number; // 0: no HTTP answer (connection refused or reset)
  code?: string;
  transactionId?: string;
  blockNumber?: string;
}

/** One write as the client lived it: every answer to the same Idempotency-Key until a definite one. */
export interface WriteRecord {
  key: string;
  batchId: string;
  writer: string;
  startedAt: number;
  answers: Answer[];
  /** The definite answer: 201 with its receipt, or a refusal; undefined when none came before the give-up time. */
  final?: Answer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the README tells a client to retry this answer with the same key: no answer at all, 5xx with Retry-After,
 * 409 while the key is still committing or after a conflicting concurrent write.
 */
export function retryable(a: Answer): boolean {
  if (a.status === 0 || a.status === 502 || a.status === 503) return true;
  return a.status === 409 && (a.code === 'conflict' || a.code === 'transaction_invalid');
}

/** Registers `count` inspectors of the Housing bureau (they anchor batches) and enrolls a key for each, here. */
export async function enrollWriters(baseUrl: string, adminPassword: string, count: number, runId: string) {
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { token?: string; enrollment?: { code: string } } };
  };
  const session = await call('POST', '/v1/sessions', undefined, { username: 'admin.housing', password: adminPassword });
  if (!session.body.token) throw new Error(`soak: cannot sign in as admin.housing (${session.status})`);
  const writers: SigningClient[] = [];
  for (let i = 0; i < count; i++) {
    const username = `soak-${runId}-${i}`;
    const registered = await call('POST', '/v1/users', session.body.token, {
      username,
      role: 'inspector',
      dept: 'housing',
      displayName: `Soak writer ${i}`,
    });
    if (!registered.body.enrollment) throw new Error(`soak: cannot register ${username} (${registered.status})`);
    writers.push(await SigningClient.enroll(baseUrl, username, registered.body.enrollment.code));
  }
  return writers;
}

/**
 * Writes one batch anchor and retries it with the same Idempotency-Key as the README says, until a definite answer or
 * `giveUpAt`.
 */
export async function writeUntilDefinite(
  client: SigningClient,
  batchId: string,
  giveUpAt: () => number,
): Promise<WriteRecord> {
  const record: WriteRecord = {
    key: crypto.randomUUID(),
    batchId,
    writer: client.holder.username,
    startedAt: Date.now(),
    answers: [],
  };
  const body = {
    batchId,
    merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'),
    itemCount: 1,
    kind: 'photos',
  };
  for (;;) {
    let answer: Answer;
    let retryAfter = 1;
    try {
      const res = await client.request('POST', '/v1/batch-anchors', body, { 'Idempotency-Key': record.key });
      answer = {
        at: Date.now(),
        status: res.status,
        code: res.body?.error?.code,
        transactionId: res.body?.receipt?.transactionId ?? res.body?.error?.transactionId,
        blockNumber: res.body?.receipt?.blockNumber,
      };
      retryAfter = Number(res.headers.get('retry-after') ?? 1) || 1;
    } catch {
      answer = { at: Date.now(), status: 0 };
    }
    record.answers.push(answer);
    if (answer.status === 401 && Date.now() < giveUpAt()) {
      // Sessions are kept in the database; should one be lost, a new one is taken with the same key.
      await client.renewSession().catch(() => sleep(1_000));
      continue;
    }
    if (!retryable(answer)) {
      record.final = answer;
      return record;
    }
    if (Date.now() >= giveUpAt()) return record;
    await sleep(Math.min(retryAfter, 5) * 1_000);
  }
}
