import { z } from 'zod';
import { assertMayRead } from '../access/read-access';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { anchorBatch, anchorBatchItems } from './use-cases';
import { byId, pageBy } from '../shared/read-queries';
import { batchItemsOf } from './batches';
import { ledgerId, page, sha256 } from '../shared/schemas';
import { batchAnchor, batchItemProof, listPage, written } from '../shared/record-schemas';

const KINDS = ['photos', 'sensor-log', 'inspection', 'video', 'bench'] as const;
/** Items per request: 10,000 hex hashes are ~0.7 MB of JSON, under the API's 1 MB body limit. */
export const MAX_ITEMS_PER_BATCH = 10_000;
const itemHash = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "an item's SHA-256, 64 hex characters")
  .transform((h) => h.toLowerCase());

/** Bulk evidence: one Merkle root over many items (site photos, sensor logs) anchored in one transaction. */
export function batchAnchorRoutes({ routes, writes, readModel, connection }: DomainDeps): void {
  const items = batchItemsOf(connection);
  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/batch-anchors',
      tag: 'documents',
      response: written(batchAnchor),
      summary:
        'Anchor the Merkle root of a batch of evidence items (the items stay off-chain; each keeps its inclusion proof)',
      body: z.strictObject({
        batchId: ledgerId,
        merkleRoot: sha256,
        itemCount: z.number().int().min(1).max(1_000_000),
        kind: z.enum(KINDS),
      }),
    },
    anchorBatch,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/batch-anchors/items',
      tag: 'documents',
      response: written(batchAnchor),
      summary:
        'Anchor a batch of evidence items (their SHA-256s): the gateway builds the RFC 6962 Merkle tree, keeps the items, anchors the root ' +
        "in one transaction, and serves each item's inclusion proof (GET /batch-anchors/{batchId}/items/{index}, GET /evidence/batch-items/…)",
      body: z.strictObject({
        batchId: ledgerId,
        kind: z.enum(KINDS),
        items: z.array(itemHash).min(1).max(MAX_ITEMS_PER_BATCH),
      }),
    },
    anchorBatchItems(items),
    ({ body }) => body,
  );

  routes.add(
    {
      method: 'get',
      path: '/batch-anchors/:batchId/items/:index',
      response: batchItemProof,
      tag: 'documents',
      access: 'user',
      summary: "An item's RFC 9162 inclusion proof (audit path) against its batch's Merkle root",
      params: z.strictObject({ batchId: ledgerId, index: z.coerce.number().int().min(0).max(10_000_000) }),
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, 'batchAnchor', params.batchId, 'batch'),
      items.proof(params.batchId, { index: params.index })
    ),
  );

  routes.add(
    {
      method: 'get',
      path: '/batch-anchors',
      response: listPage(batchAnchor),
      tag: 'documents',
      access: 'user',
      summary: 'Batch anchors by kind',
      query: page.extend({ kind: z.enum(KINDS) }),
    },
    async ({ query, user }) =>
      pageBy(readModel.model('batchAnchor'), { kind: query.kind }, query.limit, query.after, user),
  );

  routes.add(
    {
      method: 'get',
      path: '/batch-anchors/:batchId',
      response: batchAnchor,
      tag: 'documents',
      access: 'user',
      summary: 'A batch anchor',
      params: z.strictObject({ batchId: ledgerId }),
    },
    async ({ params, user }) => byId(readModel.model('batchAnchor'), params.batchId, 'batch', user),
  );
}
