import { chineseDate, DocumentHeader, DocumentPage, yuan } from './layout';

/** 验收报告: a contract milestone accepted, with the acceptance report file the ledger names. */
export interface AcceptanceReportFacts {
  project: { id: string; name: string };
  contract: { id: string; title: string; employer: string; contractor: string };
  milestone: { id: string; name: string; plannedDate: string; amount: number; acceptanceReport: string | null };
  acceptedBy: string;
}

/** The 验收报告 (acceptance report) of an accepted milestone, as a Chinese PDF. */
export async function acceptanceReport(
  facts: AcceptanceReportFacts,
  header: DocumentHeader,
  cjkFont?: string,
): Promise<Uint8Array> {
  const doc = await DocumentPage.start('验收报告', header, cjkFont);
  doc.table([
    ['项目名称', `${facts.project.name}（${facts.project.id}）`],
    ['合同', `${facts.contract.title}（${facts.contract.id}）`],
    ['发包人', facts.contract.employer],
    ['承包人', facts.contract.contractor],
    ['验收节点', `${facts.milestone.name}（${facts.milestone.id}），计划 ${facts.milestone.plannedDate}`],
    ['节点金额', yuan(facts.milestone.amount)],
    ['验收结论', '合格，准予验收'],
    ['验收资料 SHA-256', facts.milestone.acceptanceReport ?? '—'],
    ['验收人', facts.acceptedBy],
  ]);
  doc.paragraph(
    `经现场查验及资料核查，“${facts.milestone.name}”达到合同约定的质量标准，于${chineseDate(header.ledger.timestamp)}验收合格。`,
  );
  return doc.save();
}
