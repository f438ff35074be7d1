import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { Schema } from 'mongoose';
import type { ConnectionDescription } from '../config';
import type { IdentityService } from '../identity/identity-service';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import { byteSignerOf, type ByteSigner } from '../identity/seal-signer';
import type { Ledger } from '../ledger/ledger';
import { LedgerError } from '../ledger/errors';
import type { LedgerCall } from '../operations/anchored-route';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../platform/errors';
import { DocumentFacts, GenerationRequest, ISSUER, recordRef, SealedDocumentType, TITLES } from './document-facts';
import type { FileStore } from './file-store';
import { completePdfSignature, preparePdfSignature, verifyPdfSignatures, type PreparedPdfSignature } from './pades';
import { SEALED_DOCUMENT_STATUSES, SEALING_ORDER } from '@luohu/domain';
import { SIGNATURE_SLOTS, type SignatureSlot } from './templates';

/**
 * A signature prepared on a sealed document, waiting for its signer: which revision it extends, the signers after it,
 * and the prepared PDF with the CMS signed attributes to sign (base64), as a signing session keeps it.
 */
export interface PreparedSeal {
  documentId: string;
  slot: SignatureSlot;
  fingerprint: string;
  supersedes: string | null;
  signers: string[];
  prepared: Omit<PreparedPdfSignature, 'pdf' | 'signedAttributes'> & { pdf: string; signedAttributes: string };
}

/** A generated document and the signed revisions prepared from it (each anchored on the ledger when it committed). */
export interface SealedDocumentRecord {
  _id: string;
  type: SealedDocumentType;
  record: string; // the ledger record it records, e.g. project/PRJ-1
  decisionTxId: string;
  projectId: string;
  title: string;
  documentNo: string;
  issuerMsp: string;
  draft: { sha256: string; size: number };
  /**
   * Prepared revisions, oldest first; the ledger says which were anchored (a failed submission leaves one that was
   * not).
   */
  revisions: { sha256: string; slot: SignatureSlot; signer: string; fingerprint: string; preparedAt: Date }[];
  createdBy: string;
  createdAt: Date;
}

/** The generated documents and their prepared revisions (sealed_documents). */
export function sealedDocumentModel(connection: mongoose.Connection): mongoose.Model<SealedDocumentRecord> {
  return (
    (connection.models.SealedDocument as mongoose.Model<SealedDocumentRecord>) ??
    connection.model<SealedDocumentRecord>(
      'SealedDocument',
      new Schema<SealedDocumentRecord>(
        {
          _id: String,
          type: String,
          record: String,
          decisionTxId: String,
          projectId: String,
          title: String,
          documentNo: String,
          issuerMsp: String,
          draft: { sha256: String, size: Number },
          revisions: [
            { _id: false, sha256: String, slot: String, signer: String, fingerprint: String, preparedAt: Date },
          ],
          createdBy: String,
          createdAt: Date,
        },
        { collection: 'sealed_documents', versionKey: false },
      ),
    )
  );
}

/** Who signs at each step: the clerk seals, a reviewer then a director of the issuing bureau counter-sign. */
const STEPS: readonly { slot: SignatureSlot; role: string; reason: string }[] = SEALING_ORDER;

interface AnchoredRevision {
  sha256: string;
  documentType: string;
  projectId: string;
  title: string;
  supersedes: string | null;
  sealFingerprint: string;
  signatureAlgorithm: string;
  signers: string[];
  record?: string;
  status: 'active' | 'superseded' | 'revoked';
  version: number;
  anchorTxId: string;
}

/** The anchoring input a revision was committed with, rebuilt from the ledger's record of it. */
const anchoringOf = (d: AnchoredRevision) =>
  JSON.stringify({
    sha256: d.sha256,
    documentType: d.documentType,
    projectId: d.projectId,
    title: d.title,
    ...(d.supersedes ? { supersedes: d.supersedes } : {}),
    sealFingerprint: d.sealFingerprint,
    signatureAlgorithm: d.signatureAlgorithm,
    signers: d.signers,
    ...(d.record ? { record: d.record } : {}),
  });

const fingerprintOf = (pem: string) =>
  crypto.createHash('sha256').update(new crypto.X509Certificate(pem).raw).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * 电子签章: generate a document from a ledger decision, seal it, counter-sign it, and anchor each signed revision.
 * The state is the ledger's: a revision counts once its SHA-256 is anchored; each new one supersedes the last.
 */
export class Sealing {
  readonly documents: mongoose.Model<SealedDocumentRecord>;

  constructor(
    connection: mongoose.Connection,
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
    private readonly files: FileStore,
    private readonly facts: DocumentFacts,
    private readonly description: ConnectionDescription,
    private readonly publicUrl: string,
    /** The font file documents and seals draw Chinese from (LUOHU_CJK_FONT); undefined: the system's (./fonts). */
    private readonly cjkFont?: string,
  ) {
    this.documents = sealedDocumentModel(connection);
  }

  verificationUrl(id: string): string {
    return `${this.publicUrl}/v1/v/${id}`;
  }

  /** The draft PDF of a decision: the same decision gives the same document (ID, bytes), generated once. */
  async generate(
    user: AuthenticatedUser,
    req: GenerationRequest,
  ): Promise<{ document: SealedDocumentRecord; created: boolean }> {
    if (user.mspId !== ISSUER[req.type])
      throw new ForbiddenError(`a ${TITLES[req.type]} is issued by ${ISSUER[req.type]}; you are of ${user.mspId}`);
    const decision = await this.facts.decision(user._id, req);
    const record = recordRef(decision);
    const id = crypto
      .createHash('sha256')
      .update(`${req.type}\n${record}\n${decision.ledger.transactionId}`)
      .digest('hex')
      .slice(0, 20);
    const existing = await this.documents.findById(id).lean();
    if (existing) return { document: existing, created: false };
    const org = this.description.orgs.find((o) => o.mspId === user.mspId)!;
    const documentNo = DocumentFacts.documentNo(req.type, id, decision.ledger.timestamp);
    const { pdf, projectId } = await this.facts.render(
      await this.identities.reader(user._id),
      req,
      decision,
      {
        documentNo,
        issuer: org.displayName,
        ledger: decision.ledger,
        verificationUrl: this.verificationUrl(id),
      },
      this.cjkFont,
    );
    const { file } = await this.files.save(Readable.from(Buffer.from(pdf)), {
      contentType: 'application/pdf',
      filename: `${TITLES[req.type]}-${id}.pdf`,
      uploadedBy: user._id,
    });
    const document: SealedDocumentRecord = {
      _id: id,
      type: req.type,
      record,
      decisionTxId: decision.ledger.transactionId,
      projectId,
      title: `${TITLES[req.type]} ${documentNo}`,
      documentNo,
      issuerMsp: user.mspId,
      draft: { sha256: file._id, size: file.size },
      revisions: [],
      createdBy: user._id,
      createdAt: new Date(),
    };
    try {
      await this.documents.create(document);
      return { document, created: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return { document: (await this.documents.findById(id).lean())!, created: false }; // generated concurrently: same bytes
    }
  }

  /** The sealed documents generated for a project, oldest first (a handful: one per decision). */
  forProject(projectId: string): Promise<SealedDocumentRecord[]> {
    return this.documents.find({ projectId }).sort({ createdAt: 1 }).limit(100).lean();
  }

  async get(id: string): Promise<SealedDocumentRecord> {
    const document = await this.documents.findById(id).lean();
    if (!document) throw new NotFoundError(`sealed document ${id} does not exist`);
    return document;
  }

  /** The newest anchored revision, read from the ledger (the read model may lag a signing that just committed). */
  async head(userId: string, document: SealedDocumentRecord): Promise<AnchoredRevision | null> {
    const signer = await this.identities.reader(userId);
    for (const revision of [...document.revisions].reverse()) {
      try {
        return JSON.parse(
          await this.ledger.evaluate(signer, 'document', 'readDocument', [revision.sha256]),
        ) as AnchoredRevision;
      } catch (err) {
        if (err instanceof LedgerError && err.status === 404) continue; // prepared, never anchored
        throw err;
      }
    }
    return null;
  }

  /** Status from the signatures anchored: draft, sealed, reviewed, final; or revoked / superseded elsewhere. */
  static status(head: AnchoredRevision | null): string {
    if (!head) return 'draft';
    if (head.status !== 'active') return head.status;
    return SEALED_DOCUMENT_STATUSES[Math.min(head.signers.length, 3)];
  }

  /**
   * The next signature: the caller's, in the step their role signs at, with their CA-issued key, which must be their
   * registered seal. Returns the ledger call that anchors the signed revision (superseding the previous one). The
   * gateway signs here only for a custodial caller; a caller who holds their key signs prepareSeal's attributes.
   */
  async sign(user: AuthenticatedUser, id: string, reason?: string): Promise<LedgerCall> {
    const next = await this.prepareSeal(user, id, reason);
    if ('call' in next) return next.call;
    const signer = await byteSignerOf(this.identities, user._id);
    return this.completeSeal(
      user._id,
      next.seal,
      await signer.sign(Buffer.from(next.seal.prepared.signedAttributes, 'base64')),
    );
  }

  /**
   * The revision prepared for the caller's signature: the PDF with the signature dictionary written and the CMS signed
   * attributes to sign (kept as plain data, so that a caller who holds their key can sign on their device) — or,
   * when the caller's signature is already the anchored head (a retry), the anchoring again.
   */
  async prepareSeal(
    user: AuthenticatedUser,
    id: string,
    reason?: string,
  ): Promise<{ call: LedgerCall } | { seal: PreparedSeal }> {
    const document = await this.get(id);
    if (user.mspId !== document.issuerMsp)
      throw new ForbiddenError(`sealed document ${id} is signed by ${document.issuerMsp}; you are of ${user.mspId}`);
    const head = await this.head(user._id, document);
    const { certificate } = await this.identities.identityOf(user._id);
    const fingerprint = fingerprintOf(certificate);
    // A retry of a signing that already committed: the same anchoring again, which replays (Idempotency-Key) or is
    // refused as already anchored, instead of a second signature.
    if (head?.status === 'active' && head.signers[head.signers.length - 1] === fingerprint) {
      return { call: { namespace: 'document', fn: 'anchorDocument', args: [anchoringOf(head)] } };
    }
    if (head && head.status !== 'active')
      throw new ConflictError(
        `sealed document ${id} is ${head.status}: its revision ${head.sha256} can no longer be signed`,
      );
    const done = head?.signers.length ?? 0;
    const step = STEPS[done];
    if (!step) throw new ConflictError(`sealed document ${id} is final: sealed, reviewed and signed off`);
    if (user.role !== step.role)
      throw new ConflictError(
        `sealed document ${id} is ${Sealing.status(head)}: the next signature is a ${step.role}'s (${step.reason}), not a ${user.role}'s`,
      );
    if (head?.signers.includes(fingerprint))
      throw new ConflictError(`sealed document ${id} already carries your signature`);
    await this.requireRegisteredSeal(user, fingerprint);

    const current = await this.files.find(head?.sha256 ?? document.draft.sha256);
    if (!current)
      throw new ConflictError(`the file of sealed document ${id}'s current revision is missing from the file store`);
    const bytes = await readAll(this.files.open(current));
    const org = this.description.orgs.find((o) => o.mspId === user.mspId)!;
    const { rect } = SIGNATURE_SLOTS[step.slot];
    const algorithm =
      new crypto.X509Certificate(certificate).publicKey.asymmetricKeyType === 'ec' ? 'ECDSA-SHA256' : 'RSA-SHA256';
    const prepared = await preparePdfSignature(bytes, this.pdfSigner({ certificate, algorithm }, org.ca.tlsRootCert), {
      reason: reason ?? step.reason,
      location: '深圳市罗湖区',
      name: user.displayName,
      signingTime: new Date(),
      appearance: {
        rect,
        organisation: org.displayName,
        caption: step.reason,
        signerName: user.displayName,
        cjkFont: this.cjkFont,
      },
    });
    return {
      seal: {
        documentId: id,
        slot: step.slot,
        fingerprint,
        supersedes: head?.sha256 ?? null,
        signers: [...(head?.signers ?? []), fingerprint],
        prepared: {
          ...prepared,
          pdf: prepared.pdf.toString('base64'),
          signedAttributes: prepared.signedAttributes.toString('base64'),
        },
      },
    };
  }

  /**
   * The caller's signature over the prepared attributes (DER; checked with their certificate) completes the revision:
   * stored, recorded on the document, and anchored by the returned call.
   */
  async completeSeal(username: string, seal: PreparedSeal, signature: Uint8Array): Promise<LedgerCall> {
    const document = await this.get(seal.documentId);
    const prepared = {
      ...seal.prepared,
      pdf: Buffer.from(seal.prepared.pdf, 'base64'),
      signedAttributes: Buffer.from(seal.prepared.signedAttributes, 'base64'),
    };
    const signed = completePdfSignature(prepared, Buffer.from(signature));
    this.checkOwnOutput(signed, seal.signers);
    const { file } = await this.files.save(Readable.from(Buffer.from(signed)), {
      contentType: 'application/pdf',
      filename: `${document.title}.pdf`,
      uploadedBy: username,
    });
    await this.documents.updateOne(
      { _id: document._id },
      {
        $push: {
          revisions: {
            sha256: file._id,
            slot: seal.slot,
            signer: username,
            fingerprint: seal.fingerprint,
            preparedAt: new Date(),
          },
        },
      },
    );
    return {
      namespace: 'document',
      fn: 'anchorDocument',
      args: [
        anchoringOf({
          sha256: file._id,
          documentType: document.type,
          projectId: document.projectId,
          title: document.title,
          supersedes: seal.supersedes,
          sealFingerprint: seal.fingerprint,
          signatureAlgorithm: 'PAdES',
          signers: seal.signers,
          record: document.record,
        } as AnchoredRevision),
      ],
    };
  }

  /** The bureau's CA root follows the signer's certificate when it issued it, so that verifiers can build the chain. */
  private pdfSigner(signer: Pick<ByteSigner, 'certificate' | 'algorithm'>, caRoot: string) {
    const issued = new crypto.X509Certificate(signer.certificate).checkIssued(new crypto.X509Certificate(caRoot));
    return {
      certificateChain: issued ? [signer.certificate, caRoot] : [signer.certificate],
      algorithm: signer.algorithm,
    };
  }

  private async requireRegisteredSeal(user: AuthenticatedUser, fingerprint: string): Promise<void> {
    const signer = await this.identities.reader(user._id);
    let seal: { status: string; validUntil: string } | undefined;
    try {
      seal = JSON.parse(await this.ledger.evaluate(signer, 'registry', 'readSealCertificate', [fingerprint]));
    } catch (err) {
      if (!(err instanceof LedgerError && err.status === 404)) throw err;
    }
    if (!seal || seal.status !== 'active') {
      throw new UnprocessableError(
        'seal_not_registered',
        `your certificate (SHA-256 ${fingerprint}) is not ${seal ? 'an active' : 'a registered'} seal: ` +
          `an admin of ${user.mspId} registers it with POST /v1/seal-certificates {"holder": "${user._id}", "label": …}`,
      );
    }
  }

  /** What we anchor must verify: every signature valid, the signers in order, nothing after the last signature. */
  private checkOwnOutput(pdf: Uint8Array, signers: string[]): void {
    const check = verifyPdfSignatures(pdf);
    const found = check.signatures.map((s) => s.certificateFingerprint);
    if (!check.allValid || !check.unmodifiedSinceLastSignature || JSON.stringify(found) !== JSON.stringify(signers)) {
      throw new Error(
        `the signed revision does not verify: ${[...check.problems, `signers ${found.join(',')}`].join('; ')}`,
      );
    }
  }
}
