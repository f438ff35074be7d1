import { z } from 'zod';
import type { DomainDeps } from '../domains';
import { anchoredRoute } from '../operations/anchored-route';
import { byId, pageBy } from '../shared/read-queries';
import { ledgerId, page, sha256, writeResponse } from '../shared/schemas';

const KINDS = ['photos', 'sensor-log', 'inspection', 'video', 'bench'] as const;

/** Bulk evidence: one Merkle root over many items (site photos, sensor logs) anchored in one transaction. */
export function batchAnchorRoutes({ routes, writes, readModel }: DomainDeps): void {
  anchoredRoute(routes, writes, {
    method: 'post', path: '/batch-anchors', tag: 'documents', response: writeResponse,
    access: ['clerk', 'reviewer', 'inspector', 'director', 'device', 'analyst', 'finance', 'admin'],
    summary: 'Anchor the Merkle root of a batch of evidence items (the items stay off-chain; each keeps its inclusion proof)',
    body: z.strictObject({ batchId: ledgerId, merkleRoot: sha256, itemCount: z.number().int().min(1).max(1_000_000), kind: z.enum(KINDS) }),
  }, ({ body }) => ({ namespace: 'anchor', fn: 'anchorBatch', args: [body.batchId, body.merkleRoot, String(body.itemCount), body.kind] }));

  routes.add({
    method: 'get', path: '/batch-anchors', tag: 'documents', access: 'user', summary: 'Batch anchors by kind',
    query: page.extend({ kind: z.enum(KINDS) }),
  }, async ({ query }) => pageBy(readModel.model('batchAnchor'), { kind: query.kind }, query.limit, query.after));

  routes.add({
    method: 'get', path: '/batch-anchors/:batchId', tag: 'documents', access: 'user', summary: 'A batch anchor',
    params: z.strictObject({ batchId: ledgerId }),
  }, async ({ params }) => byId(readModel.model('batchAnchor'), params.batchId, 'batch'));
}
