import type { z } from 'zod';
import { ValidationError } from '../platform/errors';
import type { Input, RouteSpec, RouteTable } from '../platform/routes';
import type { AnchoredWrites } from './anchored-writes';

export interface LedgerCall { namespace: string; fn: string; args: string[]; endorsingOrganizations?: string[] }

/**
 * A route whose effect is one ledger transaction signed by the caller: Idempotency-Key and Prefer: respond-async
 * are honoured, and the answer carries the receipt (transaction ID, block, validation code) or the operation to poll.
 */
export function anchoredRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
  routes: RouteTable,
  writes: AnchoredWrites,
  spec: Omit<RouteSpec<B, Q, P>, 'anchored'>,
  call: (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>>) => LedgerCall | Promise<LedgerCall>,
): void {
  routes.add({ ...spec, anchored: true, status: spec.status ?? 201 }, async (input) => {
    const key = input.req.header('Idempotency-Key');
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) throw new ValidationError('Idempotency-Key must be 1-200 visible ASCII characters');
    const ledgerCall = await call(input);
    const outcome = await writes.write({
      userId: input.user!._id,
      idempotencyKey: key,
      fingerprint: { method: input.req.method, path: input.req.originalUrl, body: input.body ?? null },
      ...ledgerCall,
      async: /respond-async/.test(input.req.header('Prefer') ?? ''),
    });
    if (outcome.replayed) input.res.setHeader('Idempotent-Replayed', 'true');
    if (outcome.httpStatus === 202) input.res.setHeader('Location', `${input.req.baseUrl}/operations/${outcome.body.operationId}`);
    input.res.status(outcome.httpStatus).json(outcome.body);
    return undefined;
  });
}
