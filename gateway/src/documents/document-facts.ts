import { FINANCE, HOUSING } from '@luohu/domain';
import { z } from 'zod';
import type { Ledger, SigningUser } from '../ledger/ledger';
import { UnprocessableError } from '../platform/errors';
import { ledgerId } from '../shared/schemas';
import type { RecordKind } from '@luohu/domain';
import type { RecordAudit } from './record-audit';
import {
  acceptanceReport,
  approvalDecision,
  changeRecord,
  payoutVoucher,
  type DocumentHeader,
  type LedgerReference,
} from './templates';

/** What a clerk asks to generate: the document type and the ledger record whose decision it records. */
export const generationRequest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('approval_decision'), projectId: ledgerId }),
  z.strictObject({ type: z.literal('acceptance_report'), contractId: ledgerId, milestoneId: ledgerId }),
  z.strictObject({ type: z.literal('change_record'), contractId: ledgerId, changeOrderId: ledgerId }),
  z.strictObject({ type: z.literal('payout_voucher'), payoutId: ledgerId }),
]);
/**
 * What a clerk asks to generate: a document type and the decision's record (project, milestone, change order, payout).
 */
export type GenerationRequest = z.infer<typeof generationRequest>;
/** The kinds of sealed document the gateway generates. */
export type SealedDocumentType = GenerationRequest['type'];

/** Which bureau issues each type: approvals, acceptance and changes are Housing's; payouts are Finance's. */
export const ISSUER: Record<SealedDocumentType, string> = {
  approval_decision: HOUSING,
  acceptance_report: HOUSING,
  change_record: HOUSING,
  payout_voucher: FINANCE,
};
export const TITLES: Record<SealedDocumentType, string> = {
  approval_decision: '审批决定书',
  acceptance_report: '验收报告',
  change_record: '变更记录',
  payout_voucher: '拨付凭证',
};
const NUMBER_PREFIX: Record<SealedDocumentType, string> = {
  approval_decision: '罗住建审',
  acceptance_report: '罗住建验',
  change_record: '罗住建变',
  payout_voucher: '罗财拨',
};

/**
 * A ledger record as the chaincode serialised it: its shape is the chaincode's (chaincode/src/*), read field by field
 * here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LedgerJson = Record<string, any>;

/** A record's decision as the ledger holds it: the record at that version, and where it was committed. */
export interface Decision {
  kind: RecordKind;
  key: string[];
  value: Record<string, unknown>;
  ledger: LedgerReference;
}

/** The ledger record a request names, and the statuses that make its decision. */
function subjectOf(req: GenerationRequest): { kind: RecordKind; key: string[]; decided: string[] } {
  switch (req.type) {
    case 'approval_decision':
      return { kind: 'project', key: [req.projectId], decided: ['approved', 'rejected'] };
    case 'acceptance_report':
      return { kind: 'milestone', key: [req.contractId, req.milestoneId], decided: ['accepted'] };
    case 'change_record':
      return { kind: 'changeOrder', key: [req.contractId, req.changeOrderId], decided: ['approved', 'rejected'] };
    case 'payout_voucher':
      return { kind: 'payout', key: [req.payoutId], decided: ['approved', 'paid'] };
  }
}

/** A decision's record as `kind/key…`, e.g. project/PRJ-1. */
export const recordRef = (d: Pick<Decision, 'kind' | 'key'>) => `${d.kind}/${d.key.join('/')}`;

/** The CN of a ledger actor's X.509 identity (x509::/…/CN=clerk-li::/…/CN=ca…): the person, not their CA. */
export const personOf = (actor: unknown) =>
  /CN=([^/,:]+)/.exec(String((actor as { id?: string } | undefined)?.id ?? ''))?.[1] ?? '—';

/**
 * Reads what a document records from the ledger (never from the client): the decision's latest version and its block.
 */
export class DocumentFacts {
  constructor(
    private readonly ledger: Ledger,
    private readonly audit: RecordAudit,
  ) {}

  async decision(userId: string, req: GenerationRequest): Promise<Decision> {
    const { kind, key, decided } = subjectOf(req);
    const { changes } = await this.audit.history(userId, kind, key); // 404 when the ledger has no such record
    const change = changes.find((c) => decided.includes(String(c.value?.status))); // newest first
    if (!change?.value) {
      throw new UnprocessableError(
        'not_decided',
        `${kind} ${key.join('/')} has no decision on the ledger yet (status ${String(changes[0]?.value?.status)}; a ${TITLES[req.type]} records ${decided.join(' or ')})`,
      );
    }
    return {
      kind,
      key,
      value: change.value,
      ledger: { transactionId: change.transactionId, blockNumber: change.blockNumber, timestamp: change.timestamp },
    };
  }

  /** The PDF of the document, and the project it belongs to. */
  async render(
    signer: SigningUser,
    req: GenerationRequest,
    d: Decision,
    header: DocumentHeader,
    cjkFont?: string,
  ): Promise<{ pdf: Uint8Array; projectId: string }> {
    const read = async (ns: string, fn: string, ...args: string[]) =>
      JSON.parse(await this.ledger.evaluate(signer, ns, fn, args)) as LedgerJson;
    const v = d.value as LedgerJson;
    const contractorName = async (id: string) => `${(await read('registry', 'readContractor', id)).name}（${id}）`;
    const works = async (contractId: string) => {
      const contract = await read('contract', 'readContract', contractId);
      const project = await read('approval', 'readProject', contract.projectId);
      return { contract, project, contractor: await contractorName(contract.contractorId) };
    };
    switch (req.type) {
      case 'approval_decision': {
        const step = [...(v.steps ?? [])].reverse().find((s: { to: string }) => s.to === v.status);
        return {
          projectId: v.id,
          pdf: await approvalDecision(
            {
              project: { id: v.id, name: v.name, type: v.type, budget: v.budget, location: v.location },
              applicant: await contractorName(v.contractorId),
              decision: v.status,
              reason: v.decisionReason ?? step?.reason ?? '—',
              reviews: (v.reviews ?? []).filter((r: { round: number }) => r.round === v.round),
              decidedBy: personOf(step?.by),
            },
            header,
            cjkFont,
          ),
        };
      }
      case 'acceptance_report': {
        const { contract, project, contractor } = await works(v.contractId);
        return {
          projectId: project.id,
          pdf: await acceptanceReport(
            {
              project: { id: project.id, name: project.name },
              contract: { id: contract.id, title: contract.title, employer: contract.employer, contractor },
              milestone: {
                id: v.id,
                name: v.name,
                plannedDate: v.plannedDate,
                amount: v.amount,
                acceptanceReport: v.acceptanceReport ?? null,
              },
              acceptedBy: personOf(v.acceptedBy),
            },
            header,
            cjkFont,
          ),
        };
      }
      case 'change_record': {
        const { contract, project, contractor } = await works(v.contractId);
        return {
          projectId: project.id,
          pdf: await changeRecord(
            {
              project: { id: project.id, name: project.name },
              contract: { id: contract.id, title: contract.title, contractor, sum: contract.sum },
              changeOrder: {
                id: v.id,
                reason: v.reason,
                delta: v.delta,
                status: v.status,
                decisionReason: v.decisionReason ?? '—',
                changes: v.changes ?? [],
              },
              proposedBy: personOf(v.proposedBy),
              decidedBy: personOf(v.decidedBy),
            },
            header,
            cjkFont,
          ),
        };
      }
      case 'payout_voucher': {
        const { contract, project, contractor } = await works(v.contractId);
        return {
          projectId: project.id,
          pdf: await payoutVoucher(
            {
              project: { id: project.id, name: project.name },
              contract: { id: contract.id, title: contract.title, contractor },
              payout: {
                id: v.id,
                milestoneId: v.milestoneId,
                amount: v.amount,
                status: v.status,
                endorsedBy: v.endorsement?.orgs ?? [],
                bankReference: v.bankConfirmation?.reference ?? null,
              },
              requestedBy: personOf(v.requestedBy),
              approvedBy: personOf(v.approvedBy),
            },
            header,
            cjkFont,
          ),
        };
      }
    }
  }

  /** 文号: the bureau's prefix, the year of the decision, and the document's own ID. */
  static documentNo(type: SealedDocumentType, id: string, at: string): string {
    return `${NUMBER_PREFIX[type]}〔${new Date(new Date(at).getTime() + 8 * 3600_000).getUTCFullYear()}〕${id.slice(0, 8).toUpperCase()} 号`;
  }
}
