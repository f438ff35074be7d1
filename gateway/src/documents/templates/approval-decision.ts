import { chineseDate, DocumentHeader, DocumentPage, yuan } from './layout';

/** 审批决定书: the bureau's decision on a project application, as the ledger recorded it. */
export interface ApprovalDecisionFacts {
  project: { id: string; name: string; type: string; budget: number; location: string };
  applicant: string;
  decision: 'approved' | 'rejected';
  reason: string;
  reviews: { dept: string; opinion: string; reason: string }[];
  decidedBy: string;
}

const OPINION: Record<string, string> = { approve: '同意', reject: '不同意' };
const PROJECT_TYPE: Record<string, string> = {
  building: '房屋建筑',
  road: '道路',
  bridge: '桥梁',
  water: '供水',
  drainage: '排水',
  landscape: '园林绿化',
  renovation: '改造提升',
};
const DEPT: Record<string, string> = {
  housing: '住房和建设',
  finance: '财政',
  transport: '交通',
  water: '水务',
  planning: '规划',
};

/** The 审批决定书 (approval decision) of a decided project, as a Chinese PDF. */
export async function approvalDecision(
  facts: ApprovalDecisionFacts,
  header: DocumentHeader,
  cjkFont?: string,
): Promise<Uint8Array> {
  const doc = await DocumentPage.start('审批决定书', header, cjkFont);
  const approved = facts.decision === 'approved';
  doc.table([
    ['项目名称', `${facts.project.name}（${facts.project.id}）`],
    ['建设单位 / 申请人', facts.applicant],
    ['项目类型', PROJECT_TYPE[facts.project.type] ?? facts.project.type],
    ['项目地点', facts.project.location],
    ['总投资', yuan(facts.project.budget)],
    ['审批结论', approved ? '准予许可' : '不予许可'],
    [
      '部门审查意见',
      facts.reviews
        .map((r) => `${DEPT[r.dept] ?? r.dept}：${OPINION[r.opinion] ?? r.opinion}（${r.reason}）`)
        .join('\n') || '—',
    ],
    ['决定人', facts.decidedBy],
  ]);
  doc.paragraph(
    `${facts.applicant}：\n你单位申报的“${facts.project.name}”项目，经审查，${approved ? '符合规定条件，决定准予许可' : '不符合规定条件，决定不予许可'}。理由：${facts.reason}`,
  );
  doc.paragraph(`本决定于${chineseDate(header.ledger.timestamp)}记入区块链，交易号见页脚。`, 10);
  return doc.save();
}
