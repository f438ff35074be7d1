import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import type { IdentityService } from '../identity/identity-service';
import { LedgerError } from '../ledger/errors';
import type { Ledger, Receipt } from '../ledger/ledger';
import { toAppError } from '../platform/error-handler';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { Admission } from './admission';
import { operationModel, OperationRecord } from './models';

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
}

export interface WriteOutcome { httpStatus: number; body: { operationId: string; status: OperationRecord['status']; receipt?: Receipt | null; result?: unknown }; replayed: boolean }

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/**
 * Every change goes through here: admission, the operation record (idempotency), the user's own signature,
 * the ledger's retry rules, and the final receipt — persisted so that any replica can answer a retry or a poll.
 */
export class AnchoredWrites {
  private readonly Operation;
  private readonly running = new Set<Promise<unknown>>();

  constructor(connection: mongoose.Connection, private readonly ledger: Ledger, private readonly identities: IdentityService, private readonly admission: Admission, private readonly logger: Logger) {
    this.Operation = operationModel(connection);
  }

  async write(req: WriteRequest): Promise<WriteOutcome> {
    const requestHash = crypto.createHash('sha256').update(canonical(req.fingerprint)).digest('hex');
    const operationId = req.idempotencyKey
      ? crypto.createHash('sha256').update(`${req.userId}\0${req.idempotencyKey}`).digest('hex').slice(0, 32)
      : crypto.randomUUID();
    // Admission first: a refused (503) write leaves no trace and costs the database nothing.
    const release = await this.admission.enter();
    if (req.idempotencyKey) {
      const existing = await this.Operation.findById(operationId).lean().catch((err) => { release(); throw err; });
      if (existing) {
        release();
        return this.replay(existing, requestHash);
      }
    }
    const now = new Date();
    try {
      await this.Operation.create({ _id: operationId, userId: req.userId, idempotencyKey: req.idempotencyKey ?? null, requestHash, action: `${req.namespace}.${req.fn}`, status: 'pending', attempts: [], signedTransaction: null, httpStatus: null, receipt: null, result: null, error: null, createdAt: now, updatedAt: now });
    } catch (err) {
      release();
      if ((err as { code?: number }).code !== 11000) throw err;
      // A concurrent retry with the same key won the race: answer as a replay.
      return this.replay((await this.Operation.findById(operationId).lean())!, requestHash);
    }
    const work = this.execute(operationId, req).finally(release);
    if (req.async) {
      const tracked = work.catch(() => undefined).finally(() => this.running.delete(tracked));
      this.running.add(tracked);
      return { httpStatus: 202, body: { operationId, status: 'pending' }, replayed: false };
    }
    return this.outcome(await work, false);
  }

  private async execute(operationId: string, req: WriteRequest): Promise<OperationRecord> {
    let update: Partial<OperationRecord>;
    try {
      const signer = await this.identities.signer(req.userId);
      const { result, receipt } = await this.ledger.submit(signer, req.namespace, req.fn, req.args, {
        endorsingOrganizations: req.endorsingOrganizations,
        onSigned: async (transactionId, bytes) => {
          await this.Operation.updateOne({ _id: operationId }, { $push: { attempts: { transactionId, at: new Date() } }, $set: { signedTransaction: Buffer.from(bytes).toString('base64'), updatedAt: new Date() } });
        },
      });
      update = { status: 'succeeded', httpStatus: 201, receipt, result: parseResult(result) };
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) this.logger.error({ err, operationId }, 'anchored write failed');
      update = { status: 'failed', httpStatus: e.status, error: { status: e.status, code: e.code, message: e.message, ...(err instanceof LedgerError && err.transactionId ? { transactionId: err.transactionId } : {}) } };
    }
    const finished = await this.Operation.findOneAndUpdate({ _id: operationId }, { $set: { ...update, signedTransaction: null, updatedAt: new Date() } }, { returnDocument: 'after' }).lean();
    return finished!;
  }

  private replay(existing: OperationRecord, requestHash: string): WriteOutcome {
    if (existing.requestHash !== requestHash) throw new UnprocessableError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
    if (existing.status === 'pending') throw new ConflictError(`operation ${existing._id} with this Idempotency-Key is still in progress`, { operationId: existing._id });
    return this.outcome(existing, true);
  }

  private outcome(op: OperationRecord, replayed: boolean): WriteOutcome {
    if (op.status === 'failed' && op.error) {
      throw new LedgerError(op.error.status, op.error.code, op.error.message, op.error.transactionId);
    }
    return { httpStatus: op.httpStatus ?? 201, body: { operationId: op._id, status: op.status, receipt: op.receipt, result: op.result }, replayed };
  }

  async get(operationId: string, userId: string): Promise<OperationRecord> {
    const op = await this.Operation.findById(operationId).lean();
    if (!op || op.userId !== userId) throw new NotFoundError(`operation ${operationId} does not exist`);
    return op;
  }

  /**
   * After a crash: resend every operation left pending with a signed transaction (same transaction ID, so it
   * commits at most once) and close those that never got signed (nothing reached the ledger).
   */
  async recover(olderThanMs = 60_000): Promise<number> {
    const stale = await this.Operation.find({ status: 'pending', updatedAt: { $lt: new Date(Date.now() - olderThanMs) } }).lean();
    for (const op of stale) {
      let update: Partial<OperationRecord>;
      if (!op.signedTransaction) {
        update = { status: 'failed', httpStatus: 503, error: { status: 503, code: 'interrupted', message: 'the gateway stopped before the transaction was sent; nothing was written' } };
      } else {
        try {
          const { result, receipt } = await this.ledger.resume(await this.identities.signer(op.userId), Buffer.from(op.signedTransaction, 'base64'));
          update = { status: 'succeeded', httpStatus: 201, receipt, result: parseResult(result) };
        } catch (err) {
          const e = err instanceof AppError ? err : new AppError(500, 'internal', (err as Error).message);
          update = { status: 'failed', httpStatus: e.status, error: { status: e.status, code: e.code, message: e.message } };
        }
      }
      await this.Operation.updateOne({ _id: op._id, status: 'pending' }, { $set: { ...update, signedTransaction: null, updatedAt: new Date() } });
      this.logger.info({ operationId: op._id, status: update.status }, 'recovered a pending operation');
    }
    return stale.length;
  }

  /** Graceful shutdown: let accepted (202) work finish. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}

function parseResult(result: string): unknown {
  if (result === '') return null;
  try {
    return JSON.parse(result);
  } catch {
    return result;
  }
}
