import { z } from 'zod';
import { day, fen, ledgerId, reason, sha256 } from '../shared/schemas';

/** Retention may be at most 3 % of the contract sum, with at most two decimals (the ledger keeps basis points). */
export const MAX_RETENTION_PERCENT = 3;
const text = (max: number) => z.string().trim().min(2).max(max);
const percent = z.number().min(0).max(100);

const twoDecimals = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9;

export const milestone = z.strictObject({ id: ledgerId, name: text(200), plannedDate: day, amount: fen });

/** Where the contractor is paid: on the ledger with the contract, changed only by an approved change order. */
export const payee = z.strictObject({
  name: text(200).describe('account holder'),
  account: z
    .string()
    .regex(/^[0-9A-Z]{8,34}$/, '8-34 digits or capital letters')
    .describe('bank account number'),
});

export const newContract = z
  .strictObject({
    id: ledgerId,
    projectId: ledgerId,
    title: text(300),
    employer: text(200).describe('the employer (建设单位)'),
    contractorId: ledgerId,
    payee: payee.describe("the contractor's account every payout of this contract is sent to"),
    sum: fen.describe('contract sum, fen'),
    retentionPercent: z
      .number()
      .min(0)
      .max(MAX_RETENTION_PERCENT)
      .refine(twoDecimals, 'at most two decimals')
      .describe('质保金 ≤ 3 %'),
    milestones: z.array(milestone).min(1).max(100),
  })
  .superRefine((c, ctx) => {
    const total = c.milestones.reduce((acc, m) => acc + m.amount, 0);
    if (total !== c.sum)
      ctx.addIssue({
        code: 'custom',
        path: ['milestones'],
        message: `milestone amounts sum to ${total} but the contract sum is ${c.sum}`,
      });
    const ids = c.milestones.map((m) => m.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', path: ['milestones'], message: 'milestone ids must be unique' });
  });

export const changeOrder = z
  .strictObject({
    id: ledgerId,
    reason: text(2000),
    changes: z
      .array(
        z.strictObject({
          milestoneId: ledgerId,
          amount: fen.describe("the milestone's new amount, fen"),
          name: text(200).optional().describe('required for a new milestone'),
          plannedDate: day.optional().describe('required for a new milestone'),
        }),
      )
      .max(100),
    payee: payee.optional().describe('a new payee account, taking effect when the director approves the order'),
  })
  .refine((c) => new Set(c.changes.map((x) => x.milestoneId)).size === c.changes.length, {
    path: ['changes'],
    message: 'each milestone may change once per order',
  })
  .refine((c) => c.changes.length > 0 || c.payee !== undefined, {
    path: ['changes'],
    message: 'a change order changes a milestone or the payee',
  });

export const decision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });

export const progressReport = z.strictObject({
  id: ledgerId,
  milestoneId: ledgerId.optional(),
  plannedPercent: percent,
  actualPercent: percent,
  reportDate: day,
});

export const acceptance = z.strictObject({
  acceptanceReportSha256: sha256.optional().describe('an active anchored acceptance_report document of the project'),
});

export const delay = z.strictObject({
  id: ledgerId,
  milestoneId: ledgerId,
  days: z.number().int().min(1).max(3650),
  cause: text(1000),
});

export const breach = z.strictObject({
  id: ledgerId,
  party: z.enum(['employer', 'contractor']),
  clause: text(100),
  description: text(2000),
  penalty: z.number().int().min(0).max(1e15).describe('fen'),
});

export const payoutRequest = z.strictObject({ id: ledgerId, contractId: ledgerId, milestoneId: ledgerId, amount: fen });

export { PAYOUT_STATUSES } from '@luohu/domain';

export const bankNotification = z.strictObject({
  instructionId: ledgerId,
  payoutId: ledgerId,
  bankReference: ledgerId,
  amount: fen,
  status: z.enum(['settled', 'failed']),
  reason: z.string().max(500).optional(),
  at: z.string().max(40),
});
