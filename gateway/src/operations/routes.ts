import { z } from 'zod';
import type { RouteTable } from '../platform/routes';
import type { AnchoredWrites } from './anchored-writes';

/** Polling an accepted (202) write: its status, attempts and final receipt or error. */
export function operationRoutes(routes: RouteTable, writes: AnchoredWrites): void {
  routes.add({
    method: 'get', path: '/operations/:id', tag: 'operations', summary: 'An anchored write: status, attempts, receipt', access: 'user',
    params: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) }),
  }, async ({ params, user }) => {
    const op = await writes.get(params.id, user!._id);
    return { operationId: op._id, action: op.action, status: op.status, attempts: op.attempts, receipt: op.receipt, result: op.result, error: op.error, createdAt: op.createdAt, updatedAt: op.updatedAt };
  });
}
