import {
  ALERT_STATUSES,
  ALERT_TYPES,
  COMPLAINT_CATEGORIES,
  COMPLAINT_STATUSES,
  PAYOUT_STATUSES,
  PROJECT_STATUSES,
  PROJECT_TRANSITIONS,
  PROJECT_TYPES,
  SUBJECT_KINDS,
  COMPLAINT_TRANSITIONS,
} from '@luohu/domain';
import { z } from 'zod';
import { actor, dayText, hex64, instant, money, projected } from './common';

/**
 * The ledger's records as the chaincode writes them (chaincode/src/<domain>/<domain>.ts), with what the read model
 * adds (common.ts `projected`, and each collection's query fields that are not bookkeeping). Exact: a field the API
 * returns is documented here.
 */

const payee = z.strictObject({ name: z.string(), account: z.string() });

export const project = z.strictObject({
  docType: z.literal('project'),
  id: z.string(),
  name: z.string(),
  type: z.enum(PROJECT_TYPES),
  budget: money,
  location: z.string().describe('"<address> (<lat>,<lng>)"'),
  contractorId: z.string(),
  applicant: actor,
  files: z.array(z.strictObject({ kind: z.string(), sha256: hex64 })),
  status: z.enum(PROJECT_STATUSES),
  round: z.number().int(),
  autoCheck: z.strictObject({
    at: instant,
    round: z.number().int(),
    passed: z.boolean(),
    findings: z.array(z.strictObject({ check: z.string(), ok: z.boolean(), detail: z.string() })),
  }),
  requiredDepartments: z.array(z.string()),
  reviews: z.array(
    z.strictObject({
      dept: z.string(),
      round: z.number().int(),
      opinion: z.enum(['approve', 'reject']),
      reason: z.string(),
      by: actor,
      at: instant,
    }),
  ),
  deadline: dayText.nullable().describe('the running working-day deadline; null while the clock is stopped'),
  clock: z.strictObject({
    running: z.boolean(),
    stops: z.array(z.strictObject({ stoppedAt: instant, resumedAt: instant.optional() })),
  }),
  steps: z.array(
    z.strictObject({
      step: z.enum([...(Object.keys(PROJECT_TRANSITIONS) as (keyof typeof PROJECT_TRANSITIONS)[]), 'apply']),
      from: z.enum(PROJECT_STATUSES).nullable(),
      to: z.enum(PROJECT_STATUSES),
      by: actor,
      at: instant,
      reason: z.string().optional(),
      deadline: dayText.optional(),
      onTime: z.boolean().optional(),
    }),
  ),
  decisionReason: z.string().optional(),
  createdAt: instant,
  updatedAt: instant,
  ...projected,
  lat: z.number().optional().describe('read model: parsed from location'),
  lng: z.number().optional().describe('read model: parsed from location'),
});

export const qualification = z.strictObject({
  licenceNo: z.string(),
  grade: z.enum(['special', 'grade1', 'grade2', 'grade3']),
  scope: z.array(z.enum(PROJECT_TYPES)),
  expiry: dayText,
  status: z.enum(['valid', 'revoked']),
  addedAt: instant,
  revokedAt: instant.optional(),
  revokedReason: z.string().optional(),
});

export const contractor = z.strictObject({
  docType: z.literal('contractor'),
  id: z.string(),
  name: z.string(),
  creditCode: z.string(),
  qualifications: z.array(qualification),
  registeredBy: actor,
  registeredAt: instant,
  updatedAt: instant,
  ...projected,
  licenceNos: z
    .array(z.string())
    .optional()
    .describe("read model: the qualifications' licence numbers, for ?licenceNo="),
});

export const sealCertificate = z.strictObject({
  docType: z.literal('sealCertificate'),
  fingerprint: hex64,
  holderMsp: z.string(),
  holderId: z.string(),
  label: z.string(),
  validUntil: dayText,
  status: z.enum(['active', 'revoked']),
  registeredBy: actor,
  registeredAt: instant,
  revokedAt: instant.optional(),
  revokedReason: z.string().optional(),
  ...projected,
});

export const contract = z.strictObject({
  docType: z.literal('contract'),
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  employer: z.string(),
  contractorId: z.string(),
  payee,
  originalSum: money,
  sum: money,
  retentionPercent: z.number(),
  retentionAmount: money,
  milestoneIds: z.array(z.string()),
  approvedChangeOrders: z.array(z.string()),
  createdBy: actor,
  createdAt: instant,
  updatedAt: instant,
  ...projected,
});

export const milestone = z.strictObject({
  docType: z.literal('milestone'),
  contractId: z.string(),
  id: z.string(),
  name: z.string(),
  plannedDate: dayText,
  amount: money,
  status: z.enum(['planned', 'accepted']),
  latestProgress: z
    .strictObject({ plannedPercent: z.number(), actualPercent: z.number(), reportDate: dayText })
    .nullable(),
  acceptedBy: actor.optional(),
  acceptedAt: instant.optional(),
  acceptanceReport: hex64.nullable().optional(),
  photoBatches: z
    .array(z.string())
    .optional()
    .describe('batches of site photos (Merkle roots anchored as kind photos) an inspector attached'),
  ...projected,
});

export const changeOrder = z.strictObject({
  docType: z.literal('changeOrder'),
  contractId: z.string(),
  id: z.string(),
  reason: z.string(),
  changes: z.array(
    z.strictObject({
      milestoneId: z.string(),
      amount: money,
      name: z.string().optional(),
      plannedDate: dayText.optional(),
    }),
  ),
  payee: payee.optional(),
  delta: z.number().int().describe('fen: the change of the contract sum'),
  status: z.enum(['proposed', 'approved', 'rejected']),
  proposedBy: actor,
  proposedAt: instant,
  decidedBy: actor.optional(),
  decidedAt: instant.optional(),
  decisionReason: z.string().optional(),
  ...projected,
});

export const progressReport = z.strictObject({
  docType: z.literal('progressReport'),
  contractId: z.string(),
  id: z.string(),
  milestoneId: z.string().nullable(),
  plannedPercent: z.number(),
  actualPercent: z.number(),
  reportDate: dayText,
  deviation: z.number().describe('actual − planned'),
  by: actor,
  at: instant,
  ...projected,
});

const incidentBase = {
  docType: z.literal('incident'),
  contractId: z.string(),
  id: z.string(),
  by: actor,
  at: instant,
  ...projected,
};
export const incident = z.discriminatedUnion('kind', [
  z.strictObject({
    ...incidentBase,
    kind: z.literal('delay'),
    milestoneId: z.string(),
    days: z.number().int(),
    cause: z.string(),
  }),
  z.strictObject({
    ...incidentBase,
    kind: z.literal('breach'),
    party: z.enum(['employer', 'contractor']),
    clause: z.string(),
    description: z.string(),
    penalty: money,
  }),
]);

export const payout = z.strictObject({
  docType: z.literal('payout'),
  id: z.string(),
  contractId: z.string(),
  milestoneId: z.string(),
  projectId: z.string(),
  amount: money,
  status: z.enum(PAYOUT_STATUSES),
  endorsement: z.strictObject({ role: z.literal('PEER'), orgs: z.array(z.string()) }),
  requestedBy: actor,
  requestedAt: instant,
  approvedBy: actor.optional(),
  approvedAt: instant.optional(),
  rejectedBy: actor.optional(),
  rejectedAt: instant.optional(),
  rejectReason: z.string().optional(),
  transfer: z
    .strictObject({ instructionId: z.string(), amount: money, payee, instructedBy: actor, instructedAt: instant })
    .optional(),
  bankConfirmation: z
    .strictObject({
      reference: z.string(),
      amount: money,
      instructionId: z.string().optional(),
      confirmedBy: actor,
      confirmedAt: instant,
    })
    .optional(),
  ...projected,
});

export const paymentAlert = z.strictObject({
  docType: z.literal('paymentAlert'),
  id: z.string(),
  kind: z.literal('overpayment'),
  rule: z.enum(['milestone_amount', 'contract_sum_less_retention', 'project_budget']),
  payoutId: z.string(),
  contractId: z.string(),
  milestoneId: z.string(),
  projectId: z.string(),
  requestedAmount: money,
  alreadyCommitted: money,
  limit: money,
  detail: z.string(),
  raisedBy: actor,
  raisedAt: instant,
  txId: z.string(),
  ...projected,
});

export const safetyAlert = z.strictObject({
  docType: z.literal('safetyAlert'),
  id: z.string(),
  projectId: z.string(),
  deviceId: z.string(),
  device: actor,
  alertType: z.enum(ALERT_TYPES),
  observedAt: instant,
  location: z.strictObject({ site: z.string(), zone: z.string() }),
  evidenceSha256: hex64,
  status: z.enum(ALERT_STATUSES),
  raisedAt: instant,
  acknowledgedBy: actor.optional(),
  acknowledgedAt: instant.optional(),
  resolvedBy: actor.optional(),
  resolvedAt: instant.optional(),
  resolution: z.string().optional(),
  ...projected,
});

export const progressDeviation = z.strictObject({
  docType: z.literal('progressDeviation'),
  id: z.string(),
  projectId: z.string(),
  contractId: z.string().nullable(),
  asOf: dayText,
  plannedPercent: z.number(),
  actualPercent: z.number(),
  deviation: z.number().describe('actual − planned'),
  severity: z.enum(['low', 'medium', 'high']),
  by: actor,
  at: instant,
  ...projected,
});

export const riskScore = z.strictObject({
  docType: z.literal('riskScore'),
  id: z.string(),
  projectId: z.string(),
  score: z.number(),
  modelVersion: z.string(),
  inputs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  by: actor,
  at: instant,
  ...projected,
});

export const complaint = z.strictObject({
  docType: z.literal('complaint'),
  id: z.string(),
  contentHash: hex64,
  receiptCommitment: z.string(),
  category: z.enum(COMPLAINT_CATEGORIES),
  location: z.string(),
  projectId: z.string().nullable(),
  assignedUnit: z.string().nullable(),
  deadline: dayText,
  status: z.enum(COMPLAINT_STATUSES),
  answerHash: hex64.nullable(),
  rating: z.strictObject({ score: z.number().int(), at: instant }).nullable(),
  history: z.array(
    z.strictObject({
      step: z.enum([...(Object.keys(COMPLAINT_TRANSITIONS) as (keyof typeof COMPLAINT_TRANSITIONS)[]), 'receive']),
      status: z.enum(COMPLAINT_STATUSES),
      at: instant,
      by: actor,
      note: z.string().optional(),
    }),
  ),
  ...projected,
  receivedAt: instant.nullable().optional().describe('read model: when it was received'),
  escalations: z.number().int().optional().describe('read model: times escalated'),
});

export const documentRecord = z.strictObject({
  docType: z.literal('document'),
  sha256: hex64,
  documentType: z.enum([
    'acceptance_report',
    'change_record',
    'approval',
    'approval_decision',
    'payout_voucher',
    'contract',
    'inspection_record',
    'drawing',
    'other',
  ]),
  projectId: z.string(),
  title: z.string(),
  version: z.number().int(),
  supersedes: hex64.nullable(),
  supersededBy: hex64.nullable(),
  signer: actor,
  sealFingerprint: hex64,
  signature: z.string().describe('base64 detached signature; empty for PAdES (signed inside the PDF)'),
  signatureAlgorithm: z.enum(['ECDSA-SHA256', 'RSA-SHA256', 'PAdES']),
  signers: z.array(hex64).optional().describe('PAdES: the seal fingerprints in signing order'),
  record: z.string().optional().describe('the ledger record it documents, <kind>/<key>'),
  status: z.enum(['active', 'superseded', 'revoked']),
  anchoredAt: instant,
  anchorTxId: z.string(),
  revokedAt: instant.optional(),
  revokedBy: actor.optional(),
  revokedReason: z.string().optional(),
  ...projected,
});

export const batchAnchor = z.strictObject({
  docType: z.literal('batchAnchor'),
  batchId: z.string(),
  merkleRoot: hex64,
  itemCount: z.number().int(),
  kind: z.string(),
  anchoredBy: actor,
  txId: z.string(),
  timestamp: instant,
  ...projected,
});

export const attestation = z.strictObject({
  docType: z.literal('attestation'),
  id: z.string(),
  subjectKind: z.enum(SUBJECT_KINDS),
  subjectKey: z.array(z.string()),
  opinion: z.enum(['no_finding', 'finding', 'qualified']),
  reportSha256: hex64.nullable(),
  note: z.string(),
  by: actor,
  at: instant,
  ...projected,
  subject: z.string().optional().describe('read model: "<subjectKind>/<subjectKey joined by />"'),
});
