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

/**
 * A writer that knows every gateway replica, as a client behind a load balancer does: an attempt that got no answer, or
 * a 503 saying the replica's database is down, is retried (same key) at the next replica. Sessions and signing steps are
 * kept in the shared database, so any replica takes any step.
 */
export class ReplicaClient {
  private current: number;
  /** Replicas tried in a row that could not serve. */
  private downInARow = 0;
  private client: SigningClient;

  /** `enrolled` is signed in at the first replica; the writer starts at replica `start`. */
  constructor(
    private readonly baseUrls: string[],
    enrolled: SigningClient,
    start = 0,
  ) {
    this.current = start % baseUrls.length;
    this.client = new SigningClient(baseUrls[this.current], enrolled.holder, enrolled.sessionToken);
  }

  get username(): string {
    return this.client.holder.username;
  }

  get sessionToken(): string {
    return this.client.sessionToken;
  }

  request(method: string, path: string, body: unknown, headers: Record<string, string>) {
    return this.client.request(method, path, body, headers);
  }

  renewSession(): Promise<void> {
    return this.client.renewSession();
  }

  /**
   * The next attempt goes to the next replica, with the same key and session; false once every replica was tried in a
   * row (the caller then waits before the round starts again).
   */
  moveOn(): boolean {
    this.current = (this.current + 1) % this.baseUrls.length;
    this.client = new SigningClient(this.baseUrls[this.current], this.client.holder, this.client.sessionToken);
    this.downInARow = (this.downInARow + 1) % this.baseUrls.length;
    return this.downInARow !== 0;
  }

  /** The replica served (whatever it answered). */
  served(): void {
    this.downInARow = 0;
  }
}

/** Whether an answer says "this replica cannot serve now" rather than anything about the write. */
export const replicaDown = (a: Answer) => a.status === 0 || (a.status === 503 && a.code === 'database_unavailable');

/** Registers `count` inspectors of the Housing bureau (they anchor batches) and enrolls a key for each, here. */
export async function enrollWriters(baseUrls: string[], adminPassword: string, count: number, runId: string) {
  const baseUrl = baseUrls[0];
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
  const writers: ReplicaClient[] = [];
  for (let i = 0; i < count; i++) {
    const username = `soak-${runId}-${i}`;
    const registered = await call('POST', '/v1/users', session.body.token, {
      username,
      role: 'inspector',
      dept: 'housing',
      displayName: `Soak writer ${i}`,
    });
    if (!registered.body.enrollment) throw new Error(`soak: cannot register ${username} (${registered.status})`);
    const client = await SigningClient.enroll(baseUrl, username, registered.body.enrollment.code);
    writers.push(new ReplicaClient(baseUrls, client, i)); // spread over the replicas
  }
  return writers;
}

/**
 * Writes one batch anchor and retries it with the same Idempotency-Key as the README says, until a definite answer or
 * `giveUpAt`.
 */
export async function writeUntilDefinite(
  client: ReplicaClient,
  batchId: string,
  giveUpAt: () => number,
): Promise<WriteRecord> {
  const record: WriteRecord = {
    key: crypto.randomUUID(),
    batchId,
    writer: client.username,
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
    if (!replicaDown(answer)) client.served();
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
    // A replica that cannot serve: straight on to the next; once every replica was tried, wait as told.
    if (replicaDown(answer) && client.moveOn()) continue;
    await sleep(Math.min(retryAfter, 5) * 1_000);
  }
}
