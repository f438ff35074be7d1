import { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, PROJECT_STATUSES, PROJECT_TYPES, RECORD_KINDS } from '@luohu/domain';
import { z } from 'zod';
import { receipt } from '../schemas';
import { dayText, hex64, instant, itemsOf, listPage, money } from './common';
import { attestation, complaint, documentRecord, sealCertificate } from './ledger-records';

/** What the gateway composes around the ledger records: history, verification, operations, complaint views. */

/** One committed version of a record (GET /records/{kind}/{id}/history), newest first. */
export const historyEntry = z.strictObject({
  transactionId: z.string(),
  blockNumber: z.string().nullable(),
  timestamp: instant,
  isDelete: z.boolean(),
  value: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("the record as that transaction wrote it (null for a delete); its shape is the kind's record"),
  operation: z
    .strictObject({ id: z.string(), action: z.string(), by: z.string(), at: instant })
    .nullable()
    .describe('the gateway operation that anchored it, when one did'),
});
export const recordHistory = z.strictObject({
  kind: z.enum(RECORD_KINDS),
  key: z.array(z.string()),
  changes: z.array(historyEntry),
  attestations: z.array(attestation),
});

/** GET /records/{kind}/{id}/verify: the read model's copy against the ledger's current value. */
export const recordVerification = z.strictObject({
  kind: z.enum(RECORD_KINDS),
  key: z.array(z.string()),
  match: z.boolean(),
  readModel: z.strictObject({ present: z.boolean(), transactionId: z.string().nullable() }),
  ledger: z.strictObject({ transactionId: z.string(), timestamp: instant }),
  fieldsCompared: z.number().int(),
  differences: z.array(z.strictObject({ field: z.string(), readModel: z.unknown(), ledger: z.unknown() })),
});

/** GET /operations/{id}. */
export const operation = z.strictObject({
  operationId: z.string(),
  action: z.string().describe('<namespace>.<function>'),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.array(z.strictObject({ transactionId: z.string(), at: instant })),
  receipt: receipt.nullable(),
  result: z.unknown().describe("the record the transaction returned (the write route's result)"),
  error: z
    .strictObject({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
      transactionId: z.string().optional(),
    })
    .nullable(),
  createdAt: instant,
  updatedAt: instant,
});

/** GET /public/projects/nearby. */
export const nearbyProjects = itemsOf(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    type: z.enum(PROJECT_TYPES),
    status: z.enum(PROJECT_STATUSES),
    location: z.string().describe('the ledger\'s "<address> (<lat>,<lng>)"'),
    address: z.string(),
    lat: z.number().describe('WGS-84'),
    lng: z.number().describe('WGS-84'),
    distanceKm: z.number(),
  }),
);

/** GET /public/projects/{id}: what a site board shows of an approved project. */
export const publicProject = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(PROJECT_TYPES),
  status: z.enum(PROJECT_STATUSES),
  address: z.string(),
  lat: z.number().describe('WGS-84'),
  lng: z.number().describe('WGS-84'),
  subdistrict: z.strictObject({ code: z.string(), zh: z.string(), en: z.string() }).describe('the nearest 街道 centre'),
  budget: money,
  approvedAt: instant.nullable(),
  builder: z.strictObject({ id: z.string(), name: z.string() }).nullable().describe('the contractor'),
  milestones: z.array(
    z.strictObject({
      contractId: z.string(),
      id: z.string(),
      name: z.string(),
      plannedDate: dayText,
      status: z.enum(['planned', 'accepted']),
      acceptedAt: instant.nullable(),
      plannedPercent: z.number().nullable().describe("the latest progress report's plan"),
      actualPercent: z.number().nullable(),
    }),
  ),
  progress: z
    .strictObject({ plannedPercent: z.number(), actualPercent: z.number(), asOf: dayText })
    .nullable()
    .describe("the project's latest progress against its plan, as monitoring measured it"),
  contact: z.strictObject({ bureau: z.string().describe('the responsible bureau (MSP)'), hotline: z.string() }),
});

/** GET /payouts/{id}/endorsement. */
export const payoutEndorsement = z.strictObject({
  payoutId: z.string(),
  role: z.literal('PEER'),
  orgs: z.array(z.string()),
});

/** GET /seal-certificates/{fingerprint}: the record with the holder's username and public key when registered here. */
export const sealCertificateDetail = sealCertificate.extend({
  holder: z.string().nullable().describe("the holder's username, when this gateway registered the seal"),
  key: z.strictObject({ format: z.string(), pem: z.string() }).nullable(),
});

/** Complaints for staff: the ledger record with the off-chain content (contact only for the dispatch office and the unit). */
export const staffComplaintListItem = complaint.extend({
  description: z.string().nullable(),
  media_url: z.string().nullable().describe("the citizen's photo, if any"),
});
export const staffComplaintList = listPage(staffComplaintListItem);
export const staffComplaint = complaint.extend({
  content: z
    .strictObject({
      description: z.string(),
      address_string: z.string().nullable(),
      lat: z.number().nullable(),
      long: z.number().nullable(),
      media_url: z.string().nullable(),
    })
    .nullable()
    .describe("the citizen's text and place as submitted (off-chain)"),
  contact: z
    .strictObject({
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe("only for the Housing bureau's dispatch office and the assigned unit's clerks and directors"),
  classification: z
    .strictObject({
      category: z.enum(COMPLAINT_CATEGORIES),
      scores: z.record(z.string(), z.number()),
      matched: z.array(z.string()),
      requestedCode: z.enum(COMPLAINT_CATEGORIES).nullable(),
    })
    .nullable()
    .describe('how the classifier chose the category, and the code the citizen asked for'),
  answer: z.string().nullable(),
  ratingComment: z.string().nullable(),
});
export const complaintVerification = z.strictObject({
  id: z.string(),
  content: z.strictObject({ ledgerHash: hex64, recomputed: hex64, matches: z.boolean() }),
  answer: z.strictObject({ ledgerHash: hex64, recomputed: hex64.nullable(), matches: z.boolean() }).nullable(),
});

/** Open311 (GeoReport v2): the public view of a request and the citizen's own (with X-Receipt-Token). */
export const open311Request = z.strictObject({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  detailed_status: z.enum(COMPLAINT_STATUSES),
  service_code: z.enum(COMPLAINT_CATEGORIES),
  service_name: z.string(),
  agency_responsible: z.string().nullable(),
  address: z.string(),
  requested_datetime: instant.nullable(),
  updated_datetime: instant.nullable(),
  expected_datetime: instant,
});
export const open311CitizenRequest = open311Request.extend({
  description: z.string(),
  address_string: z.string().nullable(),
  lat: z.number().nullable(),
  long: z.number().nullable(),
  media_url: z.string().nullable(),
  status_notes: z.string().nullable().describe('the answer'),
  rating: z.strictObject({ score: z.number().int(), at: instant }).nullable(),
});
export const open311Service = z.strictObject({
  service_code: z.enum(COMPLAINT_CATEGORIES),
  service_name: z.string(),
  description: z.string(),
  metadata: z.literal(false),
  type: z.literal('realtime'),
  keywords: z.string(),
  group: z.string(),
});
export const open311ServiceDefinition = z.strictObject({
  service_code: z.enum(COMPLAINT_CATEGORIES),
  service_name: z.string(),
  attributes: z.array(z.never()),
});
export const open311Submitted = z.array(
  z.strictObject({
    service_request_id: z.string(),
    service_code: z.enum(COMPLAINT_CATEGORIES),
    receipt_token: z.string().describe('keep it: it shows your request and rates the answer'),
    account_id: z.null(),
    service_notice: z.string(),
    address: z.string(),
    expected_datetime: instant,
    operationId: z.string(),
    receipt: receipt.nullable(),
  }),
);

/** POST /verifications, GET /verifications/{sha256}: what the ledger and the PDF's signatures say of a file. */
const sealStatus = z.union([
  z.strictObject({ registered: z.literal(false) }),
  z.strictObject({
    registered: z.literal(true),
    status: z.enum(['active', 'revoked']),
    holderMsp: z.string(),
    label: z.string(),
    validUntil: z.string(),
  }),
]);
export const verificationReport = z.strictObject({
  sha256: hex64,
  anchored: z.boolean(),
  ledger: z
    .strictObject({
      documentType: documentRecord.shape.documentType,
      title: z.string(),
      projectId: z.string(),
      record: z.string().nullable(),
      version: z.number().int(),
      status: documentRecord.shape.status,
      supersedes: hex64.nullable(),
      supersededBy: hex64.nullable(),
      revokedAt: instant.nullable(),
      revokedReason: z.string().nullable(),
      signer: z.strictObject({
        mspId: z.string(),
        name: z.string(),
        role: z.string().nullable(),
        sealFingerprint: hex64,
      }),
      anchoredAt: instant,
      transactionId: z.string(),
      blockNumber: z.string().nullable(),
    })
    .nullable(),
  pdf: z
    .strictObject({
      signatures: z.array(
        z.strictObject({
          field: z.string(),
          signer: z.string(),
          certificateFingerprint: z.string(),
          signingTime: z.string().nullable(),
          reason: z.string().nullable(),
          valid: z.boolean(),
          checks: z.strictObject({
            byteRange: z.boolean(),
            digest: z.boolean(),
            signature: z.boolean(),
            signingCertificate: z.boolean(),
          }),
          coversBytes: z.number(),
          seal: sealStatus,
        }),
      ),
      allValid: z.boolean(),
      unmodifiedSinceLastSignature: z.boolean(),
      problems: z.array(z.string()),
    })
    .nullable(),
  signatureCheck: z
    .strictObject({ algorithm: z.string(), checked: z.boolean(), valid: z.boolean().nullable(), detail: z.string() })
    .nullable(),
  verdict: z.enum([
    'valid',
    'unverified',
    'superseded',
    'revoked',
    'not_anchored',
    'invalid_signature',
    'modified_after_signing',
  ]),
});
export const sealedDocumentVerification = verificationReport.extend({
  document: z.strictObject({
    id: z.string(),
    title: z.string(),
    documentNo: z.string(),
    record: z.string(),
    status: z.string(),
  }),
});

/** POST /sealed-documents, GET /sealed-documents/{id}. */
export const sealedDocument = z.strictObject({
  id: z.string(),
  type: z.string(),
  record: z.string(),
  projectId: z.string(),
  title: z.string(),
  documentNo: z.string(),
  issuerMsp: z.string(),
  decisionTransactionId: z.string(),
  status: z.enum(['draft', 'sealed', 'reviewed', 'final', 'superseded', 'revoked']),
  draft: z.strictObject({ sha256: hex64, size: z.number().int() }),
  current: z.strictObject({
    sha256: hex64,
    download: z.string(),
    anchored: z.boolean(),
    version: z.number().int().nullable(),
  }),
  signatures: z.number().int(),
  verificationUrl: z.string(),
});

/** Bank transfers (the account masked). */
export const bankTransfer = z.strictObject({
  payoutId: z.string(),
  contractId: z.string(),
  projectId: z.string(),
  amount: money,
  payee: z.strictObject({ name: z.string(), account: z.string().describe('masked') }),
  status: z.string(),
  round: z.number().int(),
  instructionId: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: instant.nullable(),
  bankReference: z.string().nullable(),
  notifications: z.number().int(),
  confirmation: z.strictObject({ operationId: z.string(), receipt: receipt.nullable() }).nullable(),
  lastError: z.string().nullable(),
  history: z.array(z.strictObject({ at: instant, event: z.string(), detail: z.string().optional() })),
  requestedBy: z.string(),
  createdAt: instant,
  updatedAt: instant,
});
export const bankNotificationOutcome = z.strictObject({
  outcome: z.enum(['confirmed', 'duplicate', 'recorded', 'needs_attention', 'ignored', 'confirm_retry']),
  status: z.string(),
});

/** Evidence bundles and checkpoints (format: evidence/format.ts, README "Evidence bundles"). */
const headerChain = z.strictObject({ from: z.string(), headers: z.string().describe('base64 DER headers') });
export const checkpoint = z.strictObject({
  format: z.literal('luohu-evidence-checkpoint/1'),
  channel: z.string(),
  blockNumber: z.string(),
  createdAt: instant,
  signatures: z.string(),
  configBlock: z.string(),
  chain: headerChain,
});
export const batchItemProof = z.strictObject({
  batchId: z.string(),
  itemSha256: hex64,
  leafIndex: z.number().int(),
  treeSize: z.number().int(),
  auditPath: z.array(hex64),
});
export const evidenceBundle = z.strictObject({
  format: z.literal('luohu-evidence-bundle/1'),
  channel: z.string(),
  chaincode: z.string(),
  exportedAt: instant,
  records: z.array(
    z.strictObject({
      recordType: z.string(),
      key: z.array(z.string()),
      value: z.string(),
      txId: z.string(),
      role: z.enum(['subject', 'key-endorsement-policy', 'milestone-acceptance']),
    }),
  ),
  transactions: z.array(z.strictObject({ txId: z.string(), blockNumber: z.string(), txIndex: z.number().int() })),
  blocks: z.array(z.string()),
  configBlock: z.string().optional(),
  chain: headerChain.optional(),
  checkpoint,
  file: z
    .strictObject({ sha256: hex64, contentType: z.string(), filename: z.string().nullable(), content: z.string() })
    .optional(),
  batchItem: batchItemProof.optional(),
});

/** Risk assessments (what-if). */
export const riskAssessment = z.strictObject({
  score: z.number(),
  level: z.enum(['low', 'medium', 'high']),
  modelVersion: z.string(),
  factors: z.strictObject({
    rain: z.number(),
    wind: z.number(),
    temperature: z.number(),
    schedule: z.number(),
    staffing: z.number(),
  }),
  inputs: z.record(z.string(), z.number()),
});

/** GET /documents/{sha256}/versions. */
export const documentVersions = itemsOf(documentRecord);

/** POST /payouts: the payout requested (an overpayment is answered 422 with the committed alert instead). */
export const payoutRequested = (payout: z.ZodType) => z.strictObject({ outcome: z.literal('requested'), payout });
