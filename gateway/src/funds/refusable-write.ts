import type { z } from 'zod';
import type { LedgerCall } from '../operations/anchored-route';
import type { AnchoredWrites } from '../operations/anchored-writes';
import { ValidationError, type AppError } from '../platform/errors';
import type { Input, RouteSpec, RouteTable } from '../platform/routes';

/**
 * anchoredRoute for transactions that commit a refusal: requestPayout does not throw on an overpayment (Fabric
 * would discard the alert with it) but commits the alert and returns {"outcome":"refused"}. Such a result is
 * answered with the refusal's status and the stable error body — carrying the alert, the operation and the receipt
 * of the committed alert — instead of 201. Everything else (Idempotency-Key, respond-async, receipts) is as in
 * anchoredRoute; an accepted (202) write's outcome is read from /operations/{id}.
 */
export function refusableAnchoredRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
  routes: RouteTable,
  writes: AnchoredWrites,
  spec: Omit<RouteSpec<B, Q, P>, 'anchored'>,
  call: (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>>) => LedgerCall,
  refusal: (result: unknown) => AppError | undefined,
): void {
  routes.add({ ...spec, anchored: true, status: spec.status ?? 201 }, async (input) => {
    const key = input.req.header('Idempotency-Key');
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) throw new ValidationError('Idempotency-Key must be 1-200 visible ASCII characters');
    const outcome = await writes.write({
      userId: input.user!._id,
      idempotencyKey: key,
      fingerprint: { method: input.req.method, path: input.req.originalUrl, body: input.body ?? null },
      ...call(input),
      async: /respond-async/.test(input.req.header('Prefer') ?? ''),
    });
    if (outcome.replayed) input.res.setHeader('Idempotent-Replayed', 'true');
    if (outcome.httpStatus === 202) input.res.setHeader('Location', `${input.req.baseUrl}/operations/${outcome.body.operationId}`);
    const refused = outcome.body.status === 'succeeded' ? refusal(outcome.body.result) : undefined;
    if (refused) {
      const { operationId, receipt } = outcome.body;
      input.res.status(refused.status).json({ error: { code: refused.code, message: refused.message, details: { ...(refused.details as object), operationId, receipt } } });
    } else {
      input.res.status(outcome.httpStatus).json(outcome.body);
    }
    return undefined;
  });
}
