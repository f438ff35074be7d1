import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { signSealedDocument } from './use-cases';
import { readScope } from '../access/read-policy';
import { NotFoundError } from '../platform/errors';
import { generationRequest } from './document-facts';
import { Sealing, type SealedDocumentRecord } from './sealing';
import { documentRecord, sealedDocument, written } from '../shared/record-schemas';

const sealedDocumentPath = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{20}$/, 'a sealed document ID (20 hex characters)'),
});

/** 电子签章: documents generated from ledger decisions, sealed by a clerk, counter-signed by a reviewer and a director. */
export function sealedDocumentRoutes({ routes, writes }: DomainDeps, sealing: Sealing): void {
  const describe = async (userId: string, document: SealedDocumentRecord) => {
    const head = await sealing.head(userId, document);
    const current = head?.sha256 ?? document.draft.sha256;
    return {
      id: document._id,
      type: document.type,
      record: document.record,
      projectId: document.projectId,
      title: document.title,
      documentNo: document.documentNo,
      issuerMsp: document.issuerMsp,
      decisionTransactionId: document.decisionTxId,
      status: Sealing.status(head),
      draft: document.draft,
      current: {
        sha256: current,
        download: `/v1/uploads/${current}`,
        anchored: head !== null,
        version: head?.version ?? null,
      },
      signatures: head?.signers.length ?? 0,
      verificationUrl: sealing.verificationUrl(document._id),
    };
  };

  routes.add(
    {
      method: 'post',
      path: '/sealed-documents',
      response: sealedDocument,
      tag: 'sealed documents',
      access: ['clerk'],
      status: 201,
      summary:
        'Generate the draft PDF of a decision recorded on the ledger (审批决定书 of a project, 验收报告 of an accepted milestone, ' +
        '变更记录 of a decided change order, 拨付凭证 of an approved or paid payout), from the ledger only; stored in GridFS. ' +
        'Issued by a clerk of the bureau the type belongs to (Housing; Finance for payout vouchers). 201 when new, 200 for the same decision again',
      body: generationRequest,
    },
    async ({ body, user, res }) => {
      const { document, created } = await sealing.generate(user!, body);
      res.status(created ? 201 : 200).json(await describe(user!._id, document));
      return undefined;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/sealed-documents/:id',
      response: sealedDocument,
      tag: 'sealed documents',
      access: 'user',
      params: sealedDocumentPath,
      summary:
        'A sealed document: its status from the ledger (draft, sealed, reviewed, final, superseded, revoked) and its current file',
    },
    async ({ params, user }) => {
      // Drafts and their signing state are the bureaus' work; a company reads the anchored result under /documents.
      if (readScope(user, 'document') !== 'all') throw new NotFoundError(`sealed document ${params.id} does not exist`);
      return describe(user!._id, await sealing.get(params.id));
    },
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/sealed-documents/:id/signatures',
      tag: 'sealed documents',
      response: written(documentRecord),
      summary:
        "Sign the document's current revision with the caller's own CA-issued key (their registered seal), in an incremental PAdES " +
        'signature with a visible seal: first the clerk (经办盖章), then a reviewer (审核), then a director (签发), all of the issuing bureau. ' +
        'The signed file is stored and its SHA-256 anchored, superseding the previous revision; earlier signatures stay valid',
      params: sealedDocumentPath,
      body: z.strictObject({ reason: z.string().trim().min(2).max(200).optional() }),
    },
    signSealedDocument(sealing),
    ({ params, body }) => ({ ...params, ...body }),
  );
}
