import crypto from 'node:crypto';
import { canonicalJson } from '@luohu/domain';
import type mongoose from 'mongoose';
import type { IdentityService } from '../identity/identity-service';
import { ClientSignedLedger } from '../ledger/client-signed';
import { LedgerError, OutcomeUnknown } from '../ledger/errors';
import type { Ledger, Receipt } from '../ledger/ledger';
import { toAppError } from '../error-handler';
import { AppError, NotFoundError, UnprocessableError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { Histogram } from 'prom-client';
import { ServerTiming } from '../platform/metrics';
import type { Admission } from './admission';
import { Author, operationModel, OperationRecord, SignatureRequest } from './models';
import type { AuthorStage, LedgerCall } from './ledger-write';
import { failed, settlementOf, Settlement, succeeded } from './outcomes';
import { PendingRecovery } from './pending-recovery';

/**
 * How an author-signed write was asked for: Prefer: respond-async, the route it came through, and what that route's
 * continuation needs once the transaction commits (`state`).
 */
export interface SigningOptions {
  async?: boolean;
  route?: string;
  state?: unknown;
  /** The gateway made the Idempotency-Key (the client sent none): no earlier write can hold it, so none is looked up. */
  unkeyed?: boolean;
}

/** What a route does once a key holder's transaction committed, instead of answering the receipt (e.g. send to the bank). */
export type Continuation = (
  userId: string,
  outcome: WriteOutcome,
  state: unknown,
) => Promise<{ status: number; body: unknown }>;

/**
 * The write path of callers who hold their own key (author-signed-writes.ts): the gateway prepares, the author signs.
 * Declared here so that the anchored routes reach it through AnchoredWrites without a cycle between the two modules.
 */
export interface AuthorSigning {
  /** A signature before the transaction (a seal): the session waits for it, then the transaction is proposed. */
  startStage(
    author: Author,
    idempotencyKey: string,
    fingerprint: unknown,
    stage: { name: 'seal'; message: Buffer; state: unknown },
    reference: string,
    options: SigningOptions & { route: string },
  ): Promise<SignatureRequest<'seal'>>;
  start(
    author: Author,
    idempotencyKey: string,
    fingerprint: unknown,
    call: LedgerCall,
    reference: string,
    options?: SigningOptions,
  ): Promise<{ sign: SignatureRequest } | { done: WriteOutcome }>;
}

/** One change to anchor on the ledger, as a route or use case asks for it. */
export interface WriteRequest {
  userId: string;
  /** Client-supplied Idempotency-Key header, if any. */
  idempotencyKey?: string;
  /** What identifies "the same request" for a key: method, path and body. */
  fingerprint: unknown;
  namespace: string;
  fn: string;
  args: string[];
  endorsingOrganizations?: string[];
  /** Prefer: respond-async — answer 202 with the operation instead of waiting for the commit. */
  async: boolean;
  /**
   * The transaction as its author signed it (client-signed.ts), when the gateway does not hold the author's key:
   * it is sent as it is, never re-proposed (an MVCC conflict is then the author's to retry).
   */
  authorSigned?: Uint8Array;
  /**
   * The caller has just looked the Idempotency-Key up (previous()) and found nothing: the write does not read it again.
   * A concurrent first use of the key is still caught where the operation is inserted.
   */
  keyLookedUp?: boolean;
}

/**
 * What the client is answered: the status code and body, and whether it repeats an earlier answer (same
 * Idempotency-Key).
 */
export interface WriteOutcome {
  httpStatus: number;
  body: { operationId: string; status: OperationRecord['status']; receipt?: Receipt | null; result?: unknown };
  replayed: boolean;
}

/**
 * Every change goes through here: admission, the operation record (idempotency), the user's own signature,
 * the ledger's retry rules, and the final receipt — persisted so that any replica can answer a retry or a poll.
 */
export class AnchoredWrites {
  private readonly Operation;
  private readonly running = new Set<Promise<unknown>>();
  private readonly authorSigned: ClientSignedLedger;
  /** Settles operations whose request ended before their outcome was known, continuously, in every replica. */
  readonly recovery: PendingRecovery;
  /** The path for callers who hold their own key; wired by server.ts (it is built on this class). */
  forAuthors?: AuthorSigning;
  /** Each anchored route's committed-refusal rule, by route (`POST /payouts`): applied at an author's last signature. */
  readonly refusals = new Map<string, (result: unknown) => AppError | undefined>();
  /** Routes whose work goes on after a key holder's transaction committed (the bank transfer), by route. */
  readonly continuations = new Map<string, Continuation>();
  /** Each anchored route's author stage (a seal before the transaction), by route: completed when its signature comes. */
  readonly stages = new Map<string, AuthorStage<unknown>>();

  constructor(
    connection: mongoose.Connection,
    private readonly ledger: Ledger,
    readonly identities: IdentityService,
    private readonly admission: Admission,
    private readonly logger: Logger,
    private readonly phases?: Histogram<'phase'>,
  ) {
    this.Operation = operationModel(connection);
    this.authorSigned = new ClientSignedLedger(ledger);
    this.recovery = new PendingRecovery(this.Operation, ledger, logger);
  }

  /** A timing for one write's phases, starting when the gateway received the request. */
  timing(receivedAt?: number): ServerTiming {
    return new ServerTiming(receivedAt, this.phases);
  }

  /**
   * A synchronous write costs the database two round trips: the operation record is inserted once the transaction is
   * signed (with it, so that a restarted gateway can resend it) and updated with the receipt. Nothing before the
   * signature needs recording: until it is sent, nothing can reach the ledger, and no answer has been given.
   */
  async write(req: WriteRequest, timing = this.timing(), admitted?: () => void): Promise<WriteOutcome> {
    const requestHash = requestHashOf(req.fingerprint);
    const operationId = req.idempotencyKey ? operationIdOf(req.userId, req.idempotencyKey) : crypto.randomUUID();
    // Admission first (at the door for routes, see admissionGate): a refused (503) write leaves no trace and costs the
    // database nothing.
    let release = admitted;
    if (!release) {
      release = await this.admission.enter();
      timing.mark('admission');
    }
    let handedOff = false;
    try {
      let recorded = false;
      if (req.idempotencyKey && !req.keyLookedUp) {
        const existing = await this.Operation.findById(operationId).lean();
        timing.mark('lookup');
        if (existing) {
          recorded = await this.retakes(existing, requestHash);
          if (!recorded) return this.replay(existing, requestHash);
        }
      }
      const now = new Date();
      const record: OperationRecord = {
        _id: operationId,
        userId: req.userId,
        idempotencyKey: req.idempotencyKey ?? null,
        requestHash,
        action: `${req.namespace}.${req.fn}`,
        status: 'pending',
        attempts: [],
        signedTransaction: null,
        signedBy: req.authorSigned ? 'author' : 'gateway',
        httpStatus: null,
        receipt: null,
        result: null,
        error: null,
        retryable: false,
        owner: this.recovery.liveness.id,
        createdAt: now,
        updatedAt: now,
      };
      if (req.async) {
        // The 202 promises an operation to poll: it is recorded before the answer, and signed afterwards.
        if (!recorded && !(await this.insert(record))) return this.replay(await this.read(operationId), requestHash);
        const done = release;
        const tracked = this.execute(record, true, req, requestHash, timing)
          .catch(() => undefined)
          .finally(() => {
            done();
            this.running.delete(tracked);
          });
        this.running.add(tracked);
        handedOff = true;
        return { httpStatus: 202, body: { operationId, status: 'pending' }, replayed: false };
      }
      return await this.execute(record, recorded, req, requestHash, timing);
    } finally {
      if (!handedOff) release();
    }
  }

  /** The outcome already recorded for this user's Idempotency-Key (replayed), if any; none when the key may try again. */
  async previous(userId: string, idempotencyKey: string, fingerprint: unknown): Promise<WriteOutcome | undefined> {
    const existing = await this.Operation.findById(operationIdOf(userId, idempotencyKey)).lean();
    if (!existing) return undefined;
    const requestHash = requestHashOf(fingerprint);
    if (mayRunAgain(existing, requestHash)) return undefined;
    return this.replay(existing, requestHash);
  }

  private async execute(
    record: OperationRecord,
    recorded: boolean,
    req: WriteRequest,
    requestHash: string,
    timing: ServerTiming,
  ): Promise<WriteOutcome> {
    const signed: { transactionId: string; bytes: Uint8Array }[] = [];
    let settlement: Settlement;
    try {
      // Persisted before it is sent: an acknowledged write survives a crash (recovery resends it, same ID).
      const onSigned = async (transactionId: string, bytes: Uint8Array) => {
        timing.mark('endorse');
        const attempt = { transactionId, at: new Date() };
        const signedTransaction = Buffer.from(bytes).toString('base64');
        if (recorded) {
          // Only while still pending: recovery may have closed an operation it took for abandoned; then nothing is sent.
          const { matchedCount } = await this.Operation.updateOne(
            { _id: record._id, status: 'pending' },
            { $push: { attempts: attempt }, $set: { signedTransaction, updatedAt: attempt.at } },
          );
          if (matchedCount === 0) throw new LostRace();
        } else {
          if (!(await this.insert({ ...record, attempts: [attempt], signedTransaction, updatedAt: attempt.at })))
            throw new LostRace();
          recorded = true;
        }
        signed.push({ transactionId, bytes });
        timing.mark('record');
      };
      const { result, receipt } = req.authorSigned
        ? await this.sendAuthorSigned(req.authorSigned, onSigned)
        : await this.ledger.submit(await this.identities.signer(req.userId), req.namespace, req.fn, req.args, {
            endorsingOrganizations: req.endorsingOrganizations,
            onSigned,
          });
      timing.mark('commit');
      settlement = succeeded(receipt, result);
    } catch (err) {
      // A concurrent request with the same Idempotency-Key recorded first: its transaction is the one, ours is not sent.
      if (err instanceof LostRace) return this.replay(await this.read(record._id), requestHash);
      const sent = signed.at(-1);
      if (err instanceof OutcomeUnknown && sent) {
        // Sent, and the ledger stopped answering: its transaction ID tells whether it committed. Until it does, the
        // operation stays pending (recovery follows it) and the client is told exactly that — never "failed".
        const status = await this.ledger.statusOf(sent.transactionId, RESOLVE_WAIT_MS);
        if (!status) {
          await this.Operation.updateOne({ _id: record._id, status: 'pending' }, { $set: { updatedAt: new Date() } });
          this.logger.warn({ operationId: record._id, transactionId: sent.transactionId }, 'write outcome unknown');
          throw new OutcomeUnknown(sent.transactionId, err, record._id);
        }
        settlement = settlementOf(this.ledger, status, sent.bytes);
      } else {
        const e = toAppError(err);
        if (e.status >= 500) this.logger.error({ err, operationId: record._id }, 'anchored write failed');
        settlement = failed(e);
        // Nothing recorded and nothing to replay: the answer is the error, and the key stays free to try again.
        if (!recorded && settlement.retryable) throw e;
      }
    }
    const finished = { ...settlement, signedTransaction: null, updatedAt: new Date() };
    if (recorded) {
      // Recovery may have settled it meanwhile (from the same transaction ID): then its record is the answer.
      const { matchedCount } = await this.Operation.updateOne(
        { _id: record._id, status: 'pending' },
        { $set: finished },
      );
      if (matchedCount === 0) return this.replay(await this.read(record._id), requestHash);
    } else if (!(await this.insert({ ...record, ...finished }))) {
      return this.replay(await this.read(record._id), requestHash); // a concurrent retry's record
    }
    timing.mark('receipt');
    return this.outcome({ ...record, ...finished }, false);
  }

  private async sendAuthorSigned(
    bytes: Uint8Array,
    onSigned: (transactionId: string, bytes: Uint8Array) => Promise<void>,
  ) {
    await onSigned(ClientSignedLedger.transactionIdOf(bytes), bytes);
    return this.authorSigned.submit(bytes);
  }

  /**
   * Inserts a new operation record; false when one with its ID exists (the same Idempotency-Key, concurrently) — unless
   * that one failed on the way, for the same request: then this attempt takes its place.
   */
  private async insert(record: OperationRecord): Promise<boolean> {
    try {
      await this.Operation.collection.insertOne(record as never);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const { _id, createdAt: _, ...fresh } = record;
      const { matchedCount } = await this.Operation.updateOne(
        { _id, status: 'failed', retryable: true, requestHash: record.requestHash },
        { $set: fresh },
      );
      return matchedCount > 0;
    }
  }

  /** An earlier attempt with this key failed on the way (nothing reached the ledger): this one takes it over, once. */
  private async retakes(existing: OperationRecord, requestHash: string): Promise<boolean> {
    if (!mayRunAgain(existing, requestHash)) return false;
    const { matchedCount } = await this.Operation.updateOne(
      { _id: existing._id, status: 'failed', retryable: true },
      {
        $set: {
          status: 'pending',
          retryable: false,
          error: null,
          httpStatus: null,
          signedTransaction: null,
          owner: this.recovery.liveness.id,
          updatedAt: new Date(),
        },
      },
    );
    return matchedCount > 0;
  }

  private async read(operationId: string): Promise<OperationRecord> {
    const op = await this.Operation.findById(operationId).lean();
    if (!op) throw inProgress(operationId);
    return op;
  }

  /**
   * The answer for a key already used: its outcome, once there is one. A pending operation is waited for a few seconds
   * (another request or recovery is settling it; this replica settles it when its owner is gone), then answered 409
   * with Retry-After.
   */
  private async replay(existing: OperationRecord, requestHash: string): Promise<WriteOutcome> {
    if (existing.requestHash !== requestHash)
      throw new UnprocessableError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
    let op = existing;
    for (const deadline = Date.now() + PENDING_WAIT_MS; op.status === 'pending' && Date.now() < deadline;) {
      await this.recovery.settleAbandoned(op); // its replica is gone: settled here and now, not when it has aged
      await sleep(200);
      op = await this.read(op._id);
    }
    if (op.status === 'pending') throw inProgress(op._id);
    return this.outcome(op, true);
  }

  private outcome(op: OperationRecord, replayed: boolean): WriteOutcome {
    if (op.status === 'failed' && op.error) {
      const headers: Record<string, string> = op.retryable ? { 'Retry-After': '2' } : {};
      throw new LedgerError(op.error.status, op.error.code, op.error.message, op.error.transactionId, headers);
    }
    return {
      httpStatus: op.httpStatus ?? 201,
      body: { operationId: op._id, status: op.status, receipt: op.receipt, result: op.result },
      replayed,
    };
  }

  async get(operationId: string, userId: string): Promise<OperationRecord> {
    const op = await this.Operation.findById(operationId).lean();
    if (!op || op.userId !== userId) throw new NotFoundError(`operation ${operationId} does not exist`);
    return op;
  }

  /** Settles pending operations left behind now (tests, start-up); the recovery loop does it continuously. */
  recover(olderThanMs?: number): Promise<number> {
    return this.recovery.runOnce(olderThanMs);
  }

  /** Graceful shutdown: let accepted (202) work finish. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}

/** How long a resolution by transaction ID waits for the status, and a retry waits for a pending operation. */
const RESOLVE_WAIT_MS = 3_000;
const PENDING_WAIT_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An earlier attempt of this same request failed on the way (nothing reached the ledger): the key may run it again. */
const mayRunAgain = (op: OperationRecord, requestHash: string) =>
  op.status === 'failed' && op.retryable === true && op.requestHash === requestHash;

const inProgress = (operationId: string) =>
  new AppError(
    409,
    'conflict',
    `operation ${operationId} with this Idempotency-Key is still in progress`,
    { operationId },
    { 'Retry-After': '1' },
  );

const requestHashOf = (fingerprint: unknown) =>
  crypto.createHash('sha256').update(canonicalJson(fingerprint)).digest('hex');
const operationIdOf = (userId: string, idempotencyKey: string) =>
  crypto.createHash('sha256').update(`${userId}\0${idempotencyKey}`).digest('hex').slice(0, 32);

/** Thrown from onSigned when another request with the same Idempotency-Key recorded its operation first. */
class LostRace extends Error {}
