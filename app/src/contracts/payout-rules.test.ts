import { describe, expect, it } from 'vitest';
import { paymentDeadline, payoutRules } from './payout-rules';

// A contract of 1,000,000.00 元 with 3 % retention (30,000.00): 970,000.00 payable. Amounts in fen.
const facts = {
  payout: { id: 'PO-3', amount: 40_000_000 },
  milestone: { id: 'M2', amount: 50_000_000, status: 'accepted' },
  contract: { sum: 100_000_000, retentionAmount: 3_000_000 },
  projectBudget: 120_000_000,
  contractPayouts: [
    { id: 'PO-1', milestoneId: 'M1', status: 'paid', amount: 50_000_000 },
    { id: 'PO-2', milestoneId: 'M2', status: 'rejected', amount: 50_000_000 },
    { id: 'PO-3', milestoneId: 'M2', status: 'requested', amount: 40_000_000 },
  ],
  projectPayouts: [
    { id: 'PO-1', status: 'paid', amount: 50_000_000 },
    { id: 'PO-3', status: 'requested', amount: 40_000_000 },
    { id: 'PO-9', status: 'approved', amount: 20_000_000 }, // another contract of the project
  ],
};

describe('why a payout is allowed or refused', () => {
  it('when every rule holds, then each says so with what the other payouts commit (a rejected one commits nothing)', () => {
    expect(payoutRules(facts)).toEqual([
      { rule: 'milestone_accepted', ok: true },
      { rule: 'milestone_amount', ok: true, limit: 50_000_000, committed: 0 },
      { rule: 'contract_sum_less_retention', ok: true, limit: 97_000_000, committed: 50_000_000 },
      { rule: 'project_budget', ok: true, limit: 120_000_000, committed: 70_000_000 },
    ]);
  });
  it('when the request would pass the contract sum less retention, then that rule is the broken one', () => {
    const rules = payoutRules({ ...facts, payout: { id: 'PO-3', amount: 48_000_000 } });
    expect(rules.filter((r) => !r.ok).map((r) => r.rule)).toEqual(['contract_sum_less_retention']);
  });
  it('when the milestone is not accepted, then the first rule fails', () => {
    expect(payoutRules({ ...facts, milestone: { ...facts.milestone, status: 'planned' } })[0]).toEqual({
      rule: 'milestone_accepted',
      ok: false,
    });
  });
  it('when the budget is the tighter cap, then the budget rule fails and the others hold', () => {
    const rules = payoutRules({ ...facts, projectBudget: 100_000_000 });
    expect(rules.filter((r) => !r.ok).map((r) => r.rule)).toEqual(['project_budget']);
  });
});

describe('the 30-day payment limit (保障中小企业款项支付条例)', () => {
  const accepted = '2026-11-01T02:00:00Z';
  it('when paid within 30 days, then it is on time; unpaid after 30 days, overdue; paid after, late', () => {
    expect(paymentDeadline(accepted, '2026-11-20T02:00:00Z', new Date('2026-12-20T00:00:00Z')).state).toBe('ok');
    expect(paymentDeadline(accepted, undefined, new Date('2026-12-01T02:00:00Z'))).toEqual({
      state: 'ok',
      dueBy: '2026-12-01',
      days: 30,
    });
    expect(paymentDeadline(accepted, undefined, new Date('2026-12-02T03:00:00Z')).state).toBe('overdue');
    expect(paymentDeadline(accepted, '2026-12-05T00:00:00Z', new Date('2026-12-20T00:00:00Z')).state).toBe('late');
  });
});
