/**
 * Who may call what: the single place where MSP and CA-attribute checks live.
 *
 * Every transaction starts with `authorize(ctx, '<contract>.<transaction>')`. The RULES table below is the
 * whole access policy; the README table is written from it, and the tests check its invariants (a contractor
 * never approves, finance never signs, only inspectors accept milestones, auditors write only attestations).
 */
import { Context } from 'fabric-contract-api';

import { AUDIT, BUREAUS, CUSTODY_ATTRIBUTE, FINANCE, HOUSING, Msp, Role } from '@luohu/domain';
import { custodialPersonalActsAllowed } from './custody';
import { refuse } from './refusal';

export { AUDIT, BUREAUS, FINANCE, HOUSING, ROLES } from '@luohu/domain';
export type { Msp, Role } from '@luohu/domain';

/** One way to be allowed: an MSP from `msps` and a role from `roles` (`'*'`: any role, even none) not in `except`. */
export interface Grant {
  msps: readonly Msp[];
  roles: readonly Role[] | '*';
  except?: readonly Role[];
}
/**
 * Who may perform one action: any of its grants; `write` marks the actions that change the ledger; `personal` the acts
 * that must be their author's own (decisions, reviews, acceptance, payouts, seals, attestations): refused to an identity
 * whose key the gateway holds, unless every bureau has allowed custodial identities these acts (shared/custody.ts).
 */
export interface Rule {
  write: boolean;
  grants: readonly Grant[];
  personal?: boolean;
}

/**
 * The calling identity as access rules see it: MSP, certificate ID, and the CA attributes role, dept and custody (who
 * holds its private key: `own` for a key made on its holder's device; anything else counts as the gateway's).
 */
export interface Caller {
  mspId: string;
  id: string;
  role: string | null;
  dept: string | null;
  custody: string | null;
}

const ANYONE: Grant = { msps: BUREAUS, roles: '*' };
const read: Rule = { write: false, grants: [ANYONE] };
const only = (msps: readonly Msp[], ...roles: Role[]): Rule => ({ write: true, grants: [{ msps, roles }] });
/** The rule made a personal act: its author's own key must sign it. */
const personal = (rule: Rule): Rule => ({ ...rule, personal: true });

export const RULES = {
  'registry.whoAmI': read,
  'registry.registerContractor': only([HOUSING], 'admin'),
  'registry.addQualification': only([HOUSING], 'admin'),
  'registry.revokeQualification': only([HOUSING], 'admin'),
  'registry.registerSealCertificate': only(BUREAUS, 'admin'),
  'registry.revokeSealCertificate': only(BUREAUS, 'admin'),
  // A bureau's vote on letting custodial identities perform personal acts (shared/custody.ts): itself personal.
  'registry.voteCustodialPersonalActs': personal(only(BUREAUS, 'admin')),
  'registry.read': read,

  'approval.applyForProject': only(BUREAUS, 'contractor', 'owner'),
  'approval.resubmitProject': only(BUREAUS, 'contractor', 'owner'),
  'approval.anchorApplicationFile': only(BUREAUS, 'contractor', 'owner'),
  'approval.passPreReview': personal(only([HOUSING], 'clerk')),
  'approval.returnForCorrection': personal({
    write: true,
    grants: [
      { msps: [HOUSING], roles: ['clerk', 'director'] },
      { msps: BUREAUS, roles: ['reviewer'] },
    ],
  }),
  'approval.reviewProject': personal(only(BUREAUS, 'reviewer')),
  'approval.approveProject': personal(only([HOUSING], 'director')),
  'approval.rejectProject': personal(only([HOUSING], 'director')),
  'approval.read': read,

  'document.anchorDocument': personal(only(BUREAUS, 'clerk', 'reviewer', 'inspector', 'director')),
  'document.revokeDocument': only(BUREAUS, 'clerk', 'reviewer', 'inspector', 'director', 'admin'),
  'document.read': read,

  'contract.createContract': personal(only([HOUSING], 'clerk', 'director')),
  'contract.proposeChangeOrder': only(BUREAUS, 'clerk', 'contractor'),
  'contract.approveChangeOrder': personal(only([HOUSING], 'director')),
  'contract.rejectChangeOrder': personal(only([HOUSING], 'director')),
  'contract.reportProgress': only(BUREAUS, 'contractor', 'clerk', 'inspector'),
  'contract.acceptMilestone': personal(only([HOUSING], 'inspector')),
  'contract.attachMilestonePhotos': personal(only([HOUSING], 'inspector')),
  'contract.recordDelay': only([HOUSING], 'clerk', 'inspector'),
  'contract.recordBreach': only([HOUSING], 'clerk', 'director'),
  'contract.read': read,

  'payment.requestPayout': personal(only([FINANCE], 'finance')),
  'payment.approvePayout': personal(only([HOUSING], 'director')),
  'payment.rejectPayout': personal({
    write: true,
    grants: [
      { msps: [HOUSING], roles: ['director'] },
      { msps: [FINANCE], roles: ['finance'] },
    ],
  }),
  'payment.instructTransfer': personal(only([FINANCE], 'finance')),
  // Only the Finance Bureau's settlement desk (department `settlement`): checked in the transaction.
  'payment.confirmBankPayment': only([FINANCE], 'finance'),
  'payment.read': read,

  'monitoring.raiseSafetyAlert': only(BUREAUS, 'device'),
  'monitoring.acknowledgeSafetyAlert': only([HOUSING], 'clerk'),
  'monitoring.resolveSafetyAlert': only([HOUSING], 'clerk'),
  'monitoring.recordProgressDeviation': only([HOUSING], 'clerk', 'inspector'),
  'monitoring.recordRiskScore': {
    write: true,
    grants: [
      { msps: BUREAUS, roles: ['analyst'] },
      { msps: [HOUSING], roles: ['clerk'] },
    ],
  },
  'monitoring.read': read,

  // Complaints are the Housing bureau's: the contract also checks the caller's department (intake, unit, office).
  'complaint.receiveComplaint': only([HOUSING], 'clerk'),
  'complaint.dispatchComplaint': only([HOUSING], 'clerk', 'director'),
  'complaint.startComplaint': only([HOUSING], 'clerk'),
  'complaint.answerComplaint': only([HOUSING], 'clerk'),
  'complaint.closeComplaint': only([HOUSING], 'clerk'),
  'complaint.reopenComplaint': only([HOUSING], 'clerk'),
  'complaint.escalateComplaint': only([HOUSING], 'clerk', 'director'),
  'complaint.rateComplaint': only([HOUSING], 'clerk'),
  'complaint.read': read,

  // Batches of site evidence (photos, sensor logs, inspections, video) are gathered by the Housing bureau's staff and devices.
  'anchor.anchorBatch': only([HOUSING], 'clerk', 'reviewer', 'inspector', 'director', 'device', 'analyst'),
  'anchor.read': read,

  'audit.attest': personal(only([AUDIT], 'auditor')),
  'audit.read': read,
  // The bulk read behind reconciliation (200 records' current versions per call) is the auditors'.
  'audit.readCurrentVersions': { write: false, grants: [{ msps: [AUDIT], roles: ['auditor'] }] },
} as const satisfies Record<string, Rule>;

/** A `<contract>.<transaction>` the RULES table has a rule for. */
export type Action = keyof typeof RULES;

/** The calling identity from the transaction's certificate (its attributes, never an argument). */
export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    id: identity.getID(),
    role: identity.getAttributeValue('role') ?? null,
    dept: identity.getAttributeValue('dept') ?? null,
    custody: identity.getAttributeValue(CUSTODY_ATTRIBUTE) ?? null,
  };
}

/** Whether any of the rule's grants lets the caller in. */
export function isAllowed(rule: Rule, caller: Caller): boolean {
  return rule.grants.some((grant) => {
    if (!(grant.msps as readonly string[]).includes(caller.mspId)) {
      return false;
    }
    if (caller.role !== null && (grant.except as readonly string[] | undefined)?.includes(caller.role)) {
      return false;
    }
    return grant.roles === '*' || (caller.role !== null && (grant.roles as readonly string[]).includes(caller.role));
  });
}

/**
 * The enrollment ID the caller's CA issued its certificate to: the subject's CN (`x509::/…/CN=<id>::<issuer>`), signed
 * by the bureau CA, so an identity cannot claim another's name.
 */
export function enrollmentIdOf(caller: Pick<Caller, 'id'>): string | null {
  const subject = caller.id.split('::')[1] ?? '';
  const match = /(?:^|\/)CN=((?:\\\/|[^/])+)/.exec(subject);
  return match ? match[1].replace(/\\\//g, '/') : null;
}

/**
 * Throws unless the calling identity may perform `action`, and for a personal act unless it holds its own key (or every
 * bureau allows custodial identities); returns the caller for the audit trail.
 */
export async function authorize(ctx: Context, action: Action): Promise<Caller> {
  const caller = callerOf(ctx);
  const rule: Rule = RULES[action];
  if (!isAllowed(rule, caller)) {
    throw refuse(
      'forbidden',
      `access denied: ${action} is not allowed for role ${caller.role ?? '(none)'} in ${caller.mspId}; ` +
        `allowed: ${describeRule(rule)}`,
    );
  }
  if (rule.personal && caller.custody !== 'own' && !(await custodialPersonalActsAllowed(ctx))) {
    throw refuse(
      'forbidden',
      `access denied: ${action} is a personal act and must be signed with its author's own key; this certificate's ` +
        `key is held by the gateway (${CUSTODY_ATTRIBUTE}=${caller.custody ?? '(none)'}), and the bureaus have not ` +
        `allowed custodial identities personal acts`,
    );
  }
  return caller;
}

/** A rule in words, for the forbidden refusal's message. */
export function describeRule(rule: Rule): string {
  return rule.grants
    .map((g) => {
      const roles = g.roles === '*' ? 'any role' : g.roles.join('|');
      const except = g.except?.length ? ` except ${g.except.join('|')}` : '';
      return `${roles}${except} in ${g.msps.join('|')}`;
    })
    .join('; or ');
}

/** Short, non-personal actor record stored with every step. */
export function actorOf(caller: Pick<Caller, 'mspId' | 'id' | 'role'>): {
  mspId: string;
  id: string;
  role: string | null;
} {
  return { mspId: caller.mspId, id: caller.id, role: caller.role };
}
