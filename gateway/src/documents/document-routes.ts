import { z } from 'zod';
import { assertMayRead } from '../access/read-access';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { archiveUseCases } from './use-cases';
import { given, pageBy } from '../shared/read-queries';
import { ledgerId, page, reason, sha256 } from '../shared/schemas';
import type { FileStore } from './file-store';
import type { RecordAudit } from './record-audit';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { documentRecord, documentVersions, listPage, recordHistory, written } from '../shared/record-schemas';

/** 验收报告 acceptance_report, 变更记录 change_record, 批复 approval, 审批决定书 approval_decision, 拨付凭证 payout_voucher, 合同 contract, 检查记录 inspection_record, 图纸 drawing. */
export const DOCUMENT_TYPES = [
  'acceptance_report',
  'change_record',
  'approval',
  'approval_decision',
  'payout_voucher',
  'contract',
  'inspection_record',
  'drawing',
  'other',
] as const;
/** What the gateway verifies (SM2-SM3 is not: refused with 400, as the chaincode refuses it). */
const SIGNATURE_ALGORITHMS = ['ECDSA-SHA256', 'RSA-SHA256'] as const;
const documentPath = z.strictObject({ sha256 });

/** 电子档案: signed documents anchored by hash, superseded by new versions or revoked, never deleted. */
export function documentArchiveRoutes(
  { routes, writes, readModel, ledger, identities, connection }: DomainDeps,
  files: FileStore,
  audit: RecordAudit,
): void {
  const documents = archiveUseCases({ files, connection, ledger, identities });

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/documents',
      tag: 'documents',
      response: written(documentRecord),
      summary:
        "Anchor a signed document: the SHA-256 of an uploaded file, its type and project, the signer's seal fingerprint and " +
        'detached signature over the file (checked here for RSA/ECDSA seals registered through the gateway). ' +
        '`supersedes` makes it the next version of an active document. Signers: clerk, reviewer, inspector, director holding the active seal',
      body: z
        .strictObject({
          sha256,
          documentType: z.enum(DOCUMENT_TYPES),
          projectId: ledgerId,
          title: z.string().trim().min(1).max(300),
          supersedes: sha256.optional(),
          sealFingerprint: sha256,
          signature: z
            .string()
            .min(4)
            .max(16_384)
            .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64')
            .refine((s) => s.length % 4 === 0, 'base64'),
          signatureAlgorithm: z.enum(SIGNATURE_ALGORITHMS),
        })
        .refine((b) => b.supersedes !== b.sha256, {
          message: 'a document cannot supersede itself',
          path: ['supersedes'],
        }),
    },
    documents.anchorDocument,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/documents/:sha256/revocation',
      tag: 'documents',
      response: written(documentRecord),
      summary:
        "Revoke a document, with the reason: its signer, or a director/admin of the signer's bureau (the record stays)",
      params: documentPath,
      body: z.strictObject({ reason }),
    },
    documents.revokeDocument,
    ({ params, body }) => ({ ...params, ...body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/documents',
      response: listPage(documentRecord),
      tag: 'documents',
      access: 'user',
      summary: 'Documents from the read model: of a project, by type and status',
      query: page.extend({
        projectId: ledgerId.optional(),
        documentType: z.enum(DOCUMENT_TYPES).optional(),
        status: z.enum(['active', 'superseded', 'revoked']).optional(),
      }),
    },
    async ({ query, user }) =>
      pageBy(
        readModel.model('document'),
        given({ projectId: query.projectId, documentType: query.documentType, status: query.status }),
        query.limit,
        query.after,
        user,
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/documents/:sha256',
      response: documentRecord,
      tag: 'documents',
      access: 'user',
      params: documentPath,
      query: sourceQuery,
      summary:
        'A document by its hash (the archived record; the file itself is GET /uploads/{sha256}); ?source=ledger reads the ledger',
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'document', fn: 'readDocument', args: [params.sha256] },
        { type: 'document', id: params.sha256, what: 'document' },
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/documents/:sha256/versions',
      response: documentVersions,
      tag: 'documents',
      access: 'user',
      params: documentPath,
      summary: 'The version chain the document belongs to, oldest first (from the ledger)',
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, 'document', params.sha256, 'document'),
      {
        items: JSON.parse(
          await ledger.evaluate(await identities.reader(user!._id), 'document', 'documentVersions', [params.sha256]),
        ),
      }
    ),
  );

  routes.add(
    {
      method: 'get',
      path: '/documents/:sha256/history',
      response: recordHistory,
      tag: 'documents',
      access: 'user',
      params: documentPath,
      summary:
        "The document record's ledger history with receipts and attestations (as /records/document/{sha256}/history)",
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, 'document', params.sha256, 'document'),
      audit.history(user!._id, 'document', [params.sha256])
    ),
  );
}
