/** Shared set-up steps for the unit tests: each builds on committed state, as on a real channel. */
import { ApprovalContract } from '../approval/approval-contract';
import { requiredFiles } from '../approval/approval';
import { RegistryContract } from '../registry/registry-contract';
import { WorksContractContract } from '../contract/contract-contract';
import { ProjectType } from '../registry/registry';
import { createHash } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../registry/credit-code';
import { Identity, World, idOf } from './fake-ledger';
import { HEX, people } from './people';

export const registry = new RegistryContract();
export const approval = new ApprovalContract();

export const DEADLINE = '2025-04-30';

/** A valid 统一社会信用代码 (GB 32100-2015) of Shenzhen, the same for the same seed and distinct for different ones. */
export function validCreditCode(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const first17 = `91440300MA5F${Array.from(digest.subarray(0, 5), (b) => CREDIT_CODE_ALPHABET[b % 31]).join('')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export async function qualifiedContractor(world: World, id = 'C001', qualification: object = {}): Promise<void> {
  await world.submit(people.housingAdmin, (ctx) =>
    registry.registerContractor(ctx, JSON.stringify({ id, name: `承包商 ${id}`, creditCode: validCreditCode(id) })),
  );
  const q = {
    licenceNo: `L-${id}`,
    grade: 'grade1',
    scope: ['building', 'road', 'water'],
    expiry: '2027-12-31',
    ...qualification,
  };
  await world.submit(people.housingAdmin, (ctx) => registry.addQualification(ctx, id, JSON.stringify(q)));
}

/** The files of an application: the n-th required kind of a type always has the same made-up hash. */
export function applicationFiles(type: ProjectType = 'building', omit?: string): { kind: string; sha256: string }[] {
  return requiredFiles(type)
    .filter((k) => k !== omit)
    .map((kind, i) => ({ kind, sha256: HEX('0123456789abcdef'[i % 16]) }));
}

/** Anchors files for `who`'s company, as the gateway does when its user uploads them (already anchored ones skipped). */
export async function uploadedFiles(
  world: World,
  who: Identity = people.contractor,
  files = applicationFiles('bridge'),
): Promise<void> {
  for (const f of files) {
    if (!world.read('applicationFile', who.attrs.company, f.sha256)) {
      await world.submit(who, (ctx) =>
        approval.anchorApplicationFile(
          ctx,
          JSON.stringify({ sha256: f.sha256, size: 1024, contentType: 'application/pdf' }),
        ),
      );
    }
  }
}

export function application(
  overrides: { id?: string; type?: ProjectType; budget?: number; contractorId?: string; omit?: string } = {},
): string {
  const type = overrides.type ?? 'building';
  return JSON.stringify({
    id: overrides.id ?? 'P001',
    name: '罗湖区某小学改扩建工程',
    type,
    budget: overrides.budget ?? 2_000_000_000,
    location: '罗湖区东门街道',
    contractorId: overrides.contractorId ?? 'C001',
    files: applicationFiles(type, overrides.omit),
  });
}

/** A building project of 2000万元 that only the housing department reviews, approved by the director. */
export async function approvedProject(world: World, id = 'P001', budget = 2_000_000_000): Promise<void> {
  await uploadedFiles(world);
  await world.submit(people.contractor, (ctx) => approval.applyForProject(ctx, application({ id, budget }), DEADLINE));
  await world.submit(people.housingClerk, (ctx) => approval.passPreReview(ctx, id, DEADLINE));
  await world.submit(people.housingReviewer, (ctx) => approval.reviewProject(ctx, id, 'approve', '符合规划'));
  if (budget >= 5_000_000_000) {
    await world.submit(people.financeReviewer, (ctx) => approval.reviewProject(ctx, id, 'approve', '资金已落实'));
  }
  await world.submit(people.director, (ctx) => approval.approveProject(ctx, id, '同意立项'));
}

/** Registers a seal certificate for `who`, registered by the admin of who's bureau. */
export async function sealFor(
  world: World,
  who: Identity,
  fingerprint: string,
  validUntil = '2027-06-30',
): Promise<void> {
  const admin =
    who.mspId === 'FinanceMSP'
      ? people.financeAdmin
      : who.mspId === 'AuditMSP'
        ? people.auditAdmin
        : people.housingAdmin;
  await world.submit(admin, (ctx) =>
    registry.registerSealCertificate(
      ctx,
      JSON.stringify({ fingerprint, holderMsp: who.mspId, holderId: idOf(who), label: `${who.name} seal`, validUntil }),
    ),
  );
}

export function documentJson(sha256: string, sealFingerprint: string, extra: object = {}): string {
  return JSON.stringify({
    sha256,
    documentType: 'acceptance_report',
    projectId: 'P001',
    title: '主体结构验收报告',
    sealFingerprint,
    signature: Buffer.from(`sig-${sha256.slice(0, 8)}`).toString('base64'),
    signatureAlgorithm: 'ECDSA-SHA256',
    ...extra,
  });
}

export const works = new WorksContractContract();

/** 1000万元, 3 % retention, three milestones of 300/300/400万元. */
export function contractJson(overrides: object = {}): string {
  return JSON.stringify({
    id: 'HT001',
    projectId: 'P001',
    title: '施工总承包合同',
    employer: '罗湖区建筑工务署',
    contractorId: 'C001',
    payee: { name: '深圳市罗湖建设工程有限公司', account: '6222020200012345678' },
    sum: 1_000_000_000,
    retentionPercent: 3,
    milestones: [
      { id: 'M1', name: '基础工程', plannedDate: '2025-06-30', amount: 300_000_000 },
      { id: 'M2', name: '主体结构', plannedDate: '2025-10-31', amount: 300_000_000 },
      { id: 'M3', name: '竣工验收', plannedDate: '2026-03-31', amount: 400_000_000 },
    ],
    ...overrides,
  });
}

export async function activeContract(world: World, overrides: object = {}): Promise<void> {
  await world.submit(people.housingClerk, (ctx) => works.createContract(ctx, contractJson(overrides)));
}

export async function acceptedMilestone(world: World, milestoneId: string, contractId = 'HT001'): Promise<void> {
  await world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, contractId, milestoneId, ''));
}
