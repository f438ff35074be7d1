import { DocumentHeader, DocumentPage, yuan } from './layout';

/** 变更记录: a change order to a works contract, approved or rejected, with each milestone's new amount. */
export interface ChangeRecordFacts {
  project: { id: string; name: string };
  contract: { id: string; title: string; contractor: string; sum: number };
  changeOrder: {
    id: string;
    reason: string;
    delta: number;
    status: 'approved' | 'rejected';
    decisionReason: string;
    changes: { milestoneId: string; amount: number; name?: string; plannedDate?: string }[];
  };
  proposedBy: string;
  decidedBy: string;
}

const signed = (fen: number) => (fen >= 0 ? `+${yuan(fen)}` : `-${yuan(-fen)}`);

/** The 变更记录 (change record) of a decided change order, as a Chinese PDF. */
export async function changeRecord(
  facts: ChangeRecordFacts,
  header: DocumentHeader,
  cjkFont?: string,
): Promise<Uint8Array> {
  const doc = await DocumentPage.start('变更记录', header, cjkFont);
  const c = facts.changeOrder;
  doc.table([
    ['项目名称', `${facts.project.name}（${facts.project.id}）`],
    ['合同', `${facts.contract.title}（${facts.contract.id}）`],
    ['承包人', facts.contract.contractor],
    ['变更单号', c.id],
    ['变更原因', c.reason],
    [
      '变更内容',
      c.changes
        .map(
          (m) =>
            `${m.milestoneId}${m.name ? ` ${m.name}` : ''}：${yuan(m.amount)}${m.plannedDate ? `，计划 ${m.plannedDate}` : ''}`,
        )
        .join('\n'),
    ],
    ['合同金额增减', signed(c.delta)],
    ['变更后合同金额', yuan(facts.contract.sum)],
    ['审批结论', c.status === 'approved' ? '同意变更' : '不同意变更'],
    ['审批意见', c.decisionReason],
    ['提出人 / 审批人', `${facts.proposedBy} / ${facts.decidedBy}`],
  ]);
  return doc.save();
}
