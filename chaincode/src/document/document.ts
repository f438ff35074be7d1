/** Electronic archive (电子档案) model: anchored, signed documents that are superseded or revoked, never deleted. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';

export const DOCUMENT = 'document';
export const DOCUMENT_BY_PROJECT = 'document~project';

export const DOCUMENT_TYPES = ['acceptance_report', 'change_record', 'approval', 'contract', 'inspection_record', 'drawing', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export const SIGNATURE_ALGORITHMS = ['SM2-SM3', 'ECDSA-SHA256', 'RSA-SHA256'] as const;

export interface ArchivedDocument {
    docType: 'document';
    sha256: string;
    documentType: DocumentType;
    projectId: string;
    title: string;
    version: number;
    supersedes: string | null;
    supersededBy: string | null;
    signer: Actor;
    sealFingerprint: string;
    signature: string;
    signatureAlgorithm: (typeof SIGNATURE_ALGORITHMS)[number];
    status: 'active' | 'superseded' | 'revoked';
    anchoredAt: string;
    anchorTxId: string;
    revokedAt?: string;
    revokedBy?: Actor;
    revokedReason?: string;
}

export function parseDocument(json: string) {
    const input = Input.parse('document', json);
    const value = {
        sha256: input.hex64('sha256'),
        documentType: input.oneOf('documentType', DOCUMENT_TYPES),
        projectId: input.id('projectId'),
        title: input.text('title', 300),
        supersedes: input.optional('supersedes', (f) => input.hex64(f)) ?? null,
        sealFingerprint: input.hex64('sealFingerprint'),
        signature: input.text('signature', 16384),
        signatureAlgorithm: input.oneOf('signatureAlgorithm', SIGNATURE_ALGORITHMS),
    };
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value.signature) || value.signature.length % 4 !== 0) {
        throw new Error('document.signature must be the detached signature in base64');
    }
    if (value.supersedes === value.sha256) {
        throw new Error(`document ${value.sha256} cannot supersede itself`);
    }
    input.done();
    return value;
}

export async function loadDocument(ctx: Context, sha256: string): Promise<ArchivedDocument> {
    const doc = await getRecord<ArchivedDocument>(ctx, DOCUMENT, [sha256]);
    if (!doc) {
        throw new Error(`document ${sha256} does not exist`);
    }
    return doc;
}
