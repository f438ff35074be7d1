import { amountInWords, DocumentHeader, DocumentPage, yuan } from './layout';

/** 拨付凭证: a payout to the contractor for an accepted milestone, approved (and, once the bank confirmed it, paid). */
export interface PayoutVoucherFacts {
  project: { id: string; name: string };
  contract: { id: string; title: string; contractor: string };
  payout: {
    id: string;
    milestoneId: string;
    amount: number;
    status: 'approved' | 'paid';
    endorsedBy: string[];
    bankReference: string | null;
  };
  requestedBy: string;
  approvedBy: string;
}

/** The 拨付凭证 (payout voucher) of a payout, amounts also in capitals, as a Chinese PDF. */
export async function payoutVoucher(
  facts: PayoutVoucherFacts,
  header: DocumentHeader,
  cjkFont?: string,
): Promise<Uint8Array> {
  const doc = await DocumentPage.start('拨付凭证', header, cjkFont);
  const p = facts.payout;
  doc.table([
    ['项目名称', `${facts.project.name}（${facts.project.id}）`],
    ['合同', `${facts.contract.title}（${facts.contract.id}）`],
    ['收款单位', facts.contract.contractor],
    ['拨付单号 / 节点', `${p.id} / ${p.milestoneId}`],
    ['拨付金额（小写）', yuan(p.amount)],
    ['拨付金额（大写）', `人民币${amountInWords(p.amount)}`],
    ['背书机构', p.endorsedBy.join('、')],
    ['状态', p.status === 'paid' ? `已拨付（银行流水 ${p.bankReference ?? '—'}）` : '已批准，待拨付'],
    ['申请人 / 批准人', `${facts.requestedBy} / ${facts.approvedBy}`],
  ]);
  return doc.save();
}
