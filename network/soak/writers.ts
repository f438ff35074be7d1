import { SigningClient } from '../../gateway/src/client';

/** One answer a client got for a write, as it got it. */
export interface Answer {
  at: number;
  status: number; // 0: no answer (connection refused or reset, or no MQTT ack in time)
  code?: string;
  transactionId?: string;
  blockNumber?: string;
  /** Seconds the answer asked the client to wait before retrying (Retry-After). */
  retryAfter?: number;
}

/** Where a write's record is on the ledger: a record kind and key (as `audit:recordHistory` takes them). */
export interface LedgerTarget {
  recordKind: string;
  key: string[];
  /**
   * The project step the write adds (e.g. `passPreReview`), or the status it moves the record to (e.g. a payout's
   * `approved`): the write is the first version that has it. With neither the write creates the record: its first version.
   */
  step?: string;
  status?: string;
}

/** One write as the client lived it: every answer to the same Idempotency-Key until a definite one. */
export interface WriteRecord {
  /** The workload kind (batch-anchor, complaint, alert-http, …). */
  kind: string;
  /** The id of what it writes (batch, complaint, alert, project). */
  id: string;
  /** The Idempotency-Key (an alert's is its id). */
  key: string;
  target: LedgerTarget;
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

/** Whether an answer says "this replica cannot serve now" rather than anything about the write. */
export const replicaDown = (a: Answer) => a.status === 0 || (a.status === 503 && a.code === 'database_unavailable');

/**
 * Every gateway replica, as a client behind a load balancer knows them: an attempt that got no answer, or a 503 saying
 * the replica's database is down, is retried (same key) at the next replica. Sessions and signing steps are kept in the
 * shared database, so any replica takes any step.
 */
export class Replicas {
  private current: number;
  /** Replicas tried in a row that could not serve. */
  private downInARow = 0;

  constructor(
    readonly baseUrls: string[],
    start = 0,
  ) {
    this.current = start % baseUrls.length;
  }

  get baseUrl(): string {
    return this.baseUrls[this.current];
  }

  /**
   * The next attempt goes to the next replica, with the same key; false once every replica was tried in a row (the
   * caller then waits before the round starts again).
   */
  moveOn(): boolean {
    this.current = (this.current + 1) % this.baseUrls.length;
    this.switched();
    this.downInARow = (this.downInARow + 1) % this.baseUrls.length;
    return this.downInARow !== 0;
  }

  /** The replica served (whatever it answered). */
  served(): void {
    this.downInARow = 0;
  }

  /** A session lost (401): signs in again; only a signed-in client has one. */
  renewSession(): Promise<void> {
    return Promise.reject(new Error('no session'));
  }

  protected switched(): void {}
}

/** A signed-in key holder over every replica: the same key and session at whichever replica it is at. */
export class ReplicaClient extends Replicas {
  private client: SigningClient;

  /** `enrolled` is signed in at any replica; the client starts at replica `start`. */
  constructor(baseUrls: string[], enrolled: SigningClient, start = 0) {
    super(baseUrls, start);
    this.client = new SigningClient(this.baseUrl, enrolled.holder, enrolled.sessionToken);
  }

  get username(): string {
    return this.client.holder.username;
  }

  get holder() {
    return this.client.holder;
  }

  get sessionToken(): string {
    return this.client.sessionToken;
  }

  request(method: string, path: string, body: unknown, headers: Record<string, string>) {
    return this.client.request(method, path, body, headers);
  }

  override renewSession(): Promise<void> {
    return this.client.renewSession();
  }

  protected override switched(): void {
    this.client = new SigningClient(this.baseUrl, this.client.holder, this.client.sessionToken);
  }
}

/** The answer as the soak keeps it, from a gateway response whose body names the receipt or the refusal. */
export function answerOf(res: { status: number; headers: Headers; body: unknown }): Answer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body = res.body as any;
  return {
    at: Date.now(),
    status: res.status,
    code: body?.error?.code,
    transactionId: body?.receipt?.transactionId ?? body?.error?.transactionId,
    blockNumber: body?.receipt?.blockNumber,
    retryAfter: Number(res.headers.get('retry-after') ?? 1) || 1,
  };
}

/**
 * Makes one write and retries it with the same Idempotency-Key as the README says, until a definite answer or
 * `giveUpAt`: `attempt` sends it once to `replicas.baseUrl` (throwing when nothing answered).
 */
export async function untilDefinite(
  record: WriteRecord,
  replicas: Replicas,
  attempt: () => Promise<Answer>,
  giveUpAt: () => number,
): Promise<WriteRecord> {
  for (;;) {
    const answer = await attempt().catch((): Answer => ({ at: Date.now(), status: 0 }));
    record.answers.push(answer);
    if (!replicaDown(answer)) replicas.served();
    if (answer.status === 401 && Date.now() < giveUpAt()) {
      // Sessions are kept in the database; should one be lost, a new one is taken with the same key.
      await replicas.renewSession().catch(() => sleep(1_000));
      continue;
    }
    if (!retryable(answer)) {
      record.final = answer;
      return record;
    }
    if (Date.now() >= giveUpAt()) return record;
    // A replica that cannot serve: straight on to the next; once every replica was tried, wait as told.
    if (replicaDown(answer) && replicas.moveOn()) continue;
    await sleep(Math.min(answer.retryAfter ?? 1, 5) * 1_000);
  }
}

/** A new record of a write not yet sent. */
export function newRecord(kind: string, id: string, key: string, target: LedgerTarget, writer: string): WriteRecord {
  return { kind, id, key, target, writer, startedAt: Date.now(), answers: [] };
}
