import type { NextFunction, Request, Response } from 'express';
import type mongoose from 'mongoose';
import { AppError, ValidationError } from '../platform/errors';

/**
 * Read-your-writes. The projector writes a transaction's records one after another, then its checkpoint; FerretDB
 * has no transactions. So (a) a read that meets a record written beyond the checkpoint waits until the checkpoint
 * passes it — a visible record then implies its whole transaction is applied; (b) a client holding a receipt sends
 * its block (`X-Consistent-After`) and the read waits until the projector has applied that whole block.
 */
export const CONSISTENCY_HEADER = 'x-consistent-after';
/** How long a read waits for the projector before answering 503. */
export const CONSISTENCY_WAIT_MS = 5_000;
const POLL_MS = 25;

interface CheckpointState {
  position: number;
  blockNumber: number;
  blockComplete: boolean;
}

/** The projector's checkpoint as last read, per database: most records are older, so most reads need no query. */
const known = new Map<string, CheckpointState>();

async function readCheckpoint(connection: mongoose.Connection): Promise<CheckpointState> {
  const doc = await connection.collection('checkpoints').findOne({ _id: 'read-model' as never });
  // A checkpoint saved before blockComplete existed: its block counts as complete only once a later block is seen.
  const state = {
    position: Number(doc?.position ?? -1),
    blockNumber: Number(doc?.blockNumber ?? -1),
    blockComplete: doc?.blockComplete === true,
  };
  known.set(connection.name, state);
  return state;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  connection: mongoose.Connection,
  done: (s: CheckpointState) => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const cached = known.get(connection.name);
  if (cached && done(cached)) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done(await readCheckpoint(connection))) return;
    if (Date.now() >= deadline)
      throw new AppError(
        503,
        'not_yet_projected',
        `the read model has not applied ${what} yet; retry shortly`,
        undefined,
        { 'Retry-After': '1' },
      );
    await sleep(POLL_MS);
  }
}

/** Waits until the projector's checkpoint has passed `position` (the newest write of a record a read returns). */
export function untilApplied(
  connection: mongoose.Connection,
  position: number,
  timeoutMs = CONSISTENCY_WAIT_MS,
): Promise<void> {
  return waitFor(connection, (s) => s.position >= position, 'the transaction of a record it holds', timeoutMs);
}

/** Waits until the projector has applied every event of `block` (a receipt's blockNumber). */
export function untilBlockApplied(
  connection: mongoose.Connection,
  block: number,
  timeoutMs = CONSISTENCY_WAIT_MS,
): Promise<void> {
  return waitFor(
    connection,
    (s) => s.blockNumber > block || (s.blockNumber === block && s.blockComplete),
    `block ${block}`,
    timeoutMs,
  );
}

/**
 * The block of an anchored write by its operation ID, once it has committed (an accepted 202 write may still be
 * pending: it is waited for within the same bound). Operation IDs are random: knowing one tells only a block number.
 */
async function blockOfOperation(
  connection: mongoose.Connection,
  operationId: string,
  deadline: number,
): Promise<number> {
  for (;;) {
    const op = await connection
      .collection('operations')
      .findOne({ _id: operationId as never }, { projection: { status: 1, receipt: 1 } });
    if (!op) throw new ValidationError(`${CONSISTENCY_HEADER}: no operation ${operationId}`);
    if (op.receipt?.blockNumber !== undefined) return Number(op.receipt.blockNumber);
    if (op.status === 'failed')
      throw new ValidationError(`${CONSISTENCY_HEADER}: operation ${operationId} failed; it wrote nothing to wait for`);
    if (Date.now() >= deadline)
      throw new AppError(
        503,
        'not_yet_projected',
        `operation ${operationId} has not committed yet; retry shortly`,
        undefined,
        { 'Retry-After': '1' },
      );
    await sleep(POLL_MS * 4);
  }
}

/**
 * `X-Consistent-After` on any GET — a receipt's blockNumber, or the write's operationId: answered once the read model
 * has applied that block, or 503 + Retry-After after CONSISTENCY_WAIT_MS.
 */
export function consistentAfter(connection: mongoose.Connection) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = req.header(CONSISTENCY_HEADER)?.trim();
    if (req.method !== 'GET' || token === undefined) return next();
    const deadline = Date.now() + CONSISTENCY_WAIT_MS;
    let block: Promise<number>;
    if (/^\d{1,15}$/.test(token)) block = Promise.resolve(Number(token));
    else if (/^[A-Za-z0-9-]{8,64}$/.test(token)) block = blockOfOperation(connection, token, deadline);
    else
      return next(
        new ValidationError(
          `${CONSISTENCY_HEADER} must be a block number (a receipt's blockNumber) or an operation ID`,
        ),
      );
    block.then((b) => untilBlockApplied(connection, b, Math.max(0, deadline - Date.now()))).then(() => next(), next);
  };
}
