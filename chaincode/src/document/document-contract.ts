/** Contract `document`: anchors signed documents (hash, signer, seal certificate, detached signature). */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, authorize } from '../shared/access';
import {
  emit,
  getRecord,
  keyHistory,
  pageByIndex,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  txDay,
  txTime,
} from '../shared/ledger';
import { RawJson, canonicalJson } from '../shared/serialise';
import { requireHex64, requireId, requireText } from '../shared/validate';
import { loadSealCertificate } from '../registry/registry';
import { loadProject } from '../approval/approval';
import { ArchivedDocument, DOCUMENT, DOCUMENT_BY_PROJECT, loadDocument, parseDocument } from './document';
import { refuse } from '../shared/refusal';

/**
 * The `document` namespace's transactions: anchor a signed document (a new version supersedes the last), revoke it, and
 * reads.
 */
@Info({ title: 'document', description: 'Electronic archive (电子档案)' })
export class DocumentContract extends Contract {
  constructor() {
    super('document');
  }

  /**
   * Anchors the SHA-256 of a final file with its signer, seal certificate and detached signature.
   * The signer is the caller, who must hold the registered, active seal certificate named.
   */
  @Transaction()
  @Returns('string')
  async anchorDocument(ctx: Context, documentJson: string): Promise<string> {
    const caller = await authorize(ctx, 'document.anchorDocument');
    const input = parseDocument(documentJson);
    const seal = await loadSealCertificate(ctx, input.sealFingerprint);
    if (seal.holderMsp !== caller.mspId || seal.holderId !== caller.id) {
      throw refuse(
        'forbidden',
        `document ${input.sha256}: seal certificate ${seal.fingerprint} is not bound to the caller`,
      );
    }
    if (seal.status !== 'active') {
      throw refuse('rule_broken', `document ${input.sha256}: seal certificate ${seal.fingerprint} is revoked`);
    }
    if (seal.validUntil < txDay(ctx)) {
      throw refuse(
        'rule_broken',
        `document ${input.sha256}: seal certificate ${seal.fingerprint} expired on ${seal.validUntil}`,
      );
    }
    // The earlier signers of a PAdES file (the seal it counter-signs) hold registered seals valid today too.
    for (const fingerprint of (input.signers ?? []).slice(0, -1)) {
      const earlier = await loadSealCertificate(ctx, fingerprint);
      if (earlier.status !== 'active' || earlier.validUntil < txDay(ctx)) {
        throw refuse(
          'rule_broken',
          `document ${input.sha256}: the earlier signer's seal certificate ${fingerprint} is ${earlier.status === 'active' ? `expired since ${earlier.validUntil}` : 'revoked'}`,
        );
      }
    }
    await loadProject(ctx, input.projectId);
    if (await recordExists(ctx, DOCUMENT, [input.sha256])) {
      throw refuse('already_exists', `document ${input.sha256} is already anchored`);
    }
    let previous: ArchivedDocument | undefined;
    if (input.supersedes) {
      previous = await this.#readDocument(ctx, input.supersedes);
      if (previous.status !== 'active') {
        throw refuse(
          'illegal_transition',
          `document ${previous.sha256} is ${previous.status} and cannot be superseded`,
        );
      }
      if (previous.projectId !== input.projectId || previous.documentType !== input.documentType) {
        throw refuse(
          'invalid_request',
          `document ${input.sha256} must have the project and type of the document it supersedes (${previous.projectId}, ${previous.documentType})`,
        );
      }
      if ((previous.record ?? null) !== (input.record ?? null)) {
        throw refuse(
          'rule_broken',
          `document ${input.sha256} must record what the document it supersedes records (${previous.record ?? 'no record'})`,
        );
      }
    }
    const doc: ArchivedDocument = {
      docType: 'document',
      ...input,
      version: previous ? previous.version + 1 : 1,
      supersededBy: null,
      signer: actorOf(caller),
      status: 'active',
      anchoredAt: txTime(ctx),
      anchorTxId: ctx.stub.getTxID(),
    };
    const related: Record<string, RawJson> = {};
    if (previous) {
      Object.assign(previous, { status: 'superseded', supersededBy: doc.sha256 });
      related.superseded = await putRecord(ctx, DOCUMENT, [previous.sha256], previous);
    }
    const state = await putRecord(ctx, DOCUMENT, [doc.sha256], doc);
    await putIndex(ctx, DOCUMENT_BY_PROJECT, [doc.projectId, doc.sha256], recordKey(ctx, DOCUMENT, [doc.sha256]));
    emit(ctx, {
      type: 'document.anchored',
      ids: { sha256: doc.sha256, projectId: doc.projectId, ...(previous ? { supersedes: previous.sha256 } : {}) },
      state,
      related,
    });
    return state.json;
  }

  /** Revocation keeps the record and says why; only the signer, or a director/admin of the signer's bureau. */
  @Transaction()
  @Returns('string')
  async revokeDocument(ctx: Context, sha256: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'document.revokeDocument');
    requireText('reason', reason, 2000);
    const doc = await this.#readDocument(ctx, sha256);
    const isSigner = doc.signer.mspId === caller.mspId && doc.signer.id === caller.id;
    const isBureauHead = doc.signer.mspId === caller.mspId && (caller.role === 'director' || caller.role === 'admin');
    if (!isSigner && !isBureauHead) {
      throw refuse(
        'forbidden',
        `document ${sha256} may be revoked only by its signer or a director/admin of ${doc.signer.mspId}`,
      );
    }
    if (doc.status === 'revoked') {
      throw refuse('illegal_transition', `document ${sha256} is already revoked`);
    }
    Object.assign(doc, {
      status: 'revoked',
      revokedAt: txTime(ctx),
      revokedBy: actorOf(caller),
      revokedReason: reason,
    });
    const state = await putRecord(ctx, DOCUMENT, [sha256], doc);
    emit(ctx, { type: 'document.revoked', ids: { sha256, projectId: doc.projectId }, state });
    return state.json;
  }

  @Transaction(false)
  @Returns('string')
  async readDocument(ctx: Context, sha256: string): Promise<string> {
    await authorize(ctx, 'document.read');
    return canonicalJson(await this.#readDocument(ctx, sha256));
  }

  @Transaction(false)
  @Returns('string')
  async listDocumentsByProject(ctx: Context, projectId: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'document.read');
    return canonicalJson(
      await pageByIndex<ArchivedDocument>(
        ctx,
        DOCUMENT_BY_PROJECT,
        [requireId('projectId', projectId)],
        pageSize,
        bookmark,
      ),
    );
  }

  /** Every committed version of this document's record (anchoring, superseding, revocation), newest first. */
  @Transaction(false)
  @Returns('string')
  async documentHistory(ctx: Context, sha256: string): Promise<string> {
    await authorize(ctx, 'document.read');
    await this.#readDocument(ctx, sha256);
    return canonicalJson(await keyHistory(ctx, recordKey(ctx, DOCUMENT, [sha256])));
  }

  /** The whole version chain this document belongs to, oldest version first. */
  @Transaction(false)
  @Returns('string')
  async documentVersions(ctx: Context, sha256: string): Promise<string> {
    await authorize(ctx, 'document.read');
    let first = await this.#readDocument(ctx, sha256);
    while (first.supersedes) {
      first = await this.#readDocument(ctx, first.supersedes);
    }
    const chain: ArchivedDocument[] = [first];
    for (let next = first.supersededBy; next;) {
      const doc = await getRecord<ArchivedDocument>(ctx, DOCUMENT, [next]);
      if (!doc) break;
      chain.push(doc);
      next = doc.supersededBy;
    }
    return canonicalJson(chain);
  }

  async #readDocument(ctx: Context, sha256: string): Promise<ArchivedDocument> {
    return loadDocument(ctx, requireHex64('sha256', sha256));
  }
}
