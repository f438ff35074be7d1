import crypto from 'node:crypto';
import type { z } from 'zod';
import { AppError, ValidationError } from '../platform/errors';
import type { Input, RouteSpec, RouteTable } from '../platform/routes';
import type { Request, Response } from 'express';
import type { AnchoredWrites, WriteOutcome } from './anchored-writes';
import type { AuthorStage, LedgerCall, LedgerWrite } from './ledger-write';

export type { LedgerCall } from './ledger-write';

/** The admission slot the gate took for this request: from here on the write owns (and releases) it. */
function takeAdmission(locals: Record<string, unknown>): (() => void) | undefined {
  const admitted = locals.admitted as (() => void) | undefined;
  locals.admitted = undefined;
  return admitted;
}

/** How an anchored route is named where its refusal rule is looked up (`POST /payouts`). */
const routeKey = (spec: { method: string; path: string }) => `${spec.method.toUpperCase()} ${spec.path}`;

/**
 * The HTTP face of a use case whose effect is one ledger transaction by the caller: the route parses the request into
 * the use case's input; Idempotency-Key and Prefer: respond-async are honoured, and the answer carries the receipt
 * (transaction ID, block, validation code) or the operation to poll.
 */
export function anchoredRoute<
  I,
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(
  routes: RouteTable,
  writes: AnchoredWrites,
  spec: Omit<RouteSpec<B, Q, P>, 'anchored' | 'access'>,
  useCase: LedgerWrite<I>,
  inputOf: (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>>) => I,
): void {
  const options = { refusal: useCase.refusal };
  if (useCase.refusal) writes.refusals.set(routeKey(spec), useCase.refusal);
  if (useCase.authorStage) writes.stages.set(routeKey(spec), useCase.authorStage as AuthorStage<unknown>);
  const call = (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>>) => useCase.call(inputOf(input), input.user!);
  routes.add({ ...spec, access: useCase.access, anchored: true, status: spec.status ?? 201 }, async (input) => {
    const { locals } = input.res;
    const timing = writes.timing(locals.receivedAt as number | undefined);
    if (locals.admittedAt !== undefined) timing.mark('admission', locals.admittedAt as number); // admissionGate
    timing.mark('auth'); // body parsing, session lookup, validation
    const key = input.req.header('Idempotency-Key');
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new ValidationError('Idempotency-Key must be 1-200 visible ASCII characters');
    const user = input.user!;
    const fingerprint = { method: input.req.method, path: input.req.originalUrl, body: input.body ?? null };
    // A retry is answered from its operation before anything else runs: building the call may have side effects (an
    // answer kept off-chain, a seal key, a Merkle item set) that a retry must not repeat.
    const previous = key === undefined ? undefined : await writes.previous(user._id, key, fingerprint);
    if (key !== undefined) timing.mark('lookup');
    if (previous) {
      takeAdmission(locals)?.();
      sendOutcome(input.req, input.res, previous, options.refusal);
      return undefined;
    }
    if (user.custody === 'own') {
      takeAdmission(locals)?.();
      const stage = useCase.authorStage && (await useCase.authorStage.prepare(inputOf(input), user));
      if (stage && 'message' in stage) {
        await startStage(
          input.req,
          input.res,
          writes,
          user._id,
          key,
          fingerprint,
          stage,
          routeKey(spec),
          useCase.authorStage!.name,
        );
        return undefined;
      }
      await startSigning(
        input.req,
        input.res,
        writes,
        user._id,
        key,
        fingerprint,
        stage ? stage.call : await call(input),
        routeKey(spec),
        options.refusal,
      );
      return undefined;
    }
    const ledgerCall = await call(input);
    const outcome = await writes.write(
      {
        userId: user._id,
        idempotencyKey: key,
        fingerprint,
        keyLookedUp: key !== undefined,
        ...ledgerCall,
        async: /respond-async/.test(input.req.header('Prefer') ?? ''),
      },
      timing,
      takeAdmission(locals),
    );
    input.res.setHeader('Server-Timing', timing.header);
    sendOutcome(input.req, input.res, outcome, options.refusal);
    return undefined;
  });
}

/**
 * A caller who holds their own key signs the write: the answer is 202 with the proposal to sign (Location: where its
 * signature goes); the transaction follows at …/proposal-signature and the receipt at …/transaction-signature. Without
 * an Idempotency-Key the write gets one of its own (a retry of the first request is then a new write, as for others).
 */
async function startSigning(
  req: Request,
  res: Response,
  writes: AnchoredWrites,
  username: string,
  key: string | undefined,
  fingerprint: unknown,
  call: LedgerCall,
  route: string,
  refusal?: (result: unknown) => AppError | undefined,
): Promise<void> {
  if (!writes.forAuthors) throw new Error('no author-signed write path: server.ts wires AnchoredWrites.forAuthors');
  const author = await writes.identities.author(username);
  const idempotencyKey = key ?? `unkeyed:${crypto.randomUUID()}`;
  const async = /respond-async/.test(req.header('Prefer') ?? '');
  const step = await writes.forAuthors.start(
    author,
    idempotencyKey,
    fingerprint,
    call,
    `${call.namespace}.${call.fn}`,
    { async, route, unkeyed: key === undefined },
  );
  if ('done' in step) {
    sendOutcome(req, res, step.done, refusal);
    return;
  }
  res.status(202).setHeader('Location', `${req.baseUrl}/transactions/${step.sign.transactionId}/proposal-signature`);
  res.json(step.sign);
}

/** The author's first signature is over bytes that are not yet a transaction (a seal): 202 with them to sign. */
async function startStage(
  req: Request,
  res: Response,
  writes: AnchoredWrites,
  username: string,
  key: string | undefined,
  fingerprint: unknown,
  stage: { message: Buffer; state: unknown },
  route: string,
  name: 'seal',
): Promise<void> {
  if (!writes.forAuthors) throw new Error('no author-signed write path: server.ts wires AnchoredWrites.forAuthors');
  const author = await writes.identities.author(username);
  const async = /respond-async/.test(req.header('Prefer') ?? '');
  const request = await writes.forAuthors.startStage(
    author,
    key ?? `unkeyed:${crypto.randomUUID()}`,
    fingerprint,
    { name, ...stage },
    route,
    { async, route },
  );
  res.status(202).setHeader('Location', `${req.baseUrl}/transactions/${request.transactionId}/${name}-signature`);
  res.json(request);
}

/**
 * The answer to a write: its receipt (201), or its operation to poll (202, Location), with the consistency token
 * (send it back as X-Consistent-After on a read to see this write, projection/consistency.ts); a committed refusal
 * answers with that error's status, carrying the operation and receipt of what was committed.
 */
export function sendOutcome(
  req: Request,
  res: Response,
  outcome: WriteOutcome,
  refusal?: (result: unknown) => AppError | undefined,
): void {
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (outcome.httpStatus === 202) res.setHeader('Location', `${req.baseUrl}/operations/${outcome.body.operationId}`);
  const committedBlock = (outcome.body.receipt as { blockNumber?: unknown } | undefined)?.blockNumber;
  if (committedBlock !== undefined && committedBlock !== null)
    res.setHeader('X-Consistency-Token', String(committedBlock));
  const refused = outcome.body.status === 'succeeded' ? refusal?.(outcome.body.result) : undefined;
  if (refused) {
    const { operationId, receipt } = outcome.body;
    res.status(refused.status).json({
      error: {
        code: refused.code,
        message: refused.message,
        details: { ...(refused.details as object), operationId, receipt },
      },
    });
  } else {
    res.status(outcome.httpStatus).json(outcome.body);
  }
}
