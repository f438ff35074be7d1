import type mongoose from 'mongoose';

/** The read-model field holding the company (contractor registry id) a record belongs to, for the read policy. */
export const COMPANY = '_company';

/** Reads the company of a parent record (a contract or project) by its id. */
export type Lookup = (type: 'contract' | 'project', id: string) => Promise<string | null>;

/**
 * The company a ledger record belongs to: a project's or contract's contractor, a contractor's own id; a contract's
 * children and payouts follow their contract, project-level records their project. Records of the same transaction
 * are looked at first (a contract and its milestones are written together); else the read model, which already
 * holds the parent (it was written by an earlier transaction, and events are applied in ledger order).
 */
export async function companyOf(
  record: Record<string, unknown>,
  sameTransaction: Record<string, unknown>[],
  lookup: Lookup,
): Promise<string | null> {
  const type = record.docType;
  if (type === 'contractor') return str(record.id);
  if (type === 'project' || type === 'contract') return str(record.contractorId);
  if (typeof record.contractId === 'string') {
    const contract = sameTransaction.find((r) => r.docType === 'contract' && r.id === record.contractId);
    return contract ? str(contract.contractorId) : lookup('contract', record.contractId);
  }
  if (typeof record.projectId === 'string') {
    const project = sameTransaction.find((r) => r.docType === 'project' && r.id === record.projectId);
    return project ? str(project.contractorId) : lookup('project', record.projectId);
  }
  return null;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Reads a parent's company from the read model. */
export const readModelLookup =
  (model: (type: 'contract' | 'project') => mongoose.Model<{ _id: string }>): Lookup =>
  async (type, id) => {
    const doc = await model(type)
      .findById(id, { [COMPANY]: 1 })
      .lean<Record<string, unknown>>();
    return str(doc?.[COMPANY]);
  };

/**
 * The lookup for a batch of events: a parent the batch itself writes gives its company from there (the read model
 * may not hold it yet), any other is read from the read model once per batch.
 */
export function batchLookup(
  inBatch: (type: 'contract' | 'project', id: string) => Record<string, unknown> | undefined,
  readModel: Lookup,
): Lookup {
  const read = new Map<string, Promise<string | null>>();
  return (type, id) => {
    const parent = inBatch(type, id);
    if (parent) return Promise.resolve(str(parent.contractorId)); // a project's or contract's company (companyOf)
    const key = `${type}/${id}`;
    let company = read.get(key);
    if (!company) read.set(key, (company = readModel(type, id)));
    return company;
  };
}

/** Parents before children: a child's company is read from its parent's. */
const BACKFILL_ORDER = [
  'contractor',
  'project',
  'contract',
  'milestone',
  'changeOrder',
  'progressReport',
  'incident',
  'payout',
  'paymentAlert',
  'document',
  'safetyAlert',
  'progressDeviation',
  'riskScore',
] as const;

/**
 * A read model projected before records carried their company: stamps the records that lack it (once; a record
 * without a company is readable by staff only, so nothing leaks meanwhile — a company just sees less).
 */
export async function backfillCompanies(
  connection: mongoose.Connection,
  model: (type: (typeof BACKFILL_ORDER)[number]) => mongoose.Model<{ _id: string }>,
): Promise<number> {
  // Done once per database: the scan reads every record (FerretDB does not push $exists down).
  const marks = connection.collection('checkpoints');
  if (await marks.findOne({ _id: 'read-model-companies' as never })) return 0;
  const lookup = readModelLookup(model as never);
  let stamped = 0;
  for (const type of BACKFILL_ORDER) {
    for (;;) {
      const docs = await model(type)
        .find({ [COMPANY]: { $exists: false } })
        .limit(500)
        .lean<Record<string, unknown>[]>();
      if (docs.length === 0) break;
      for (const doc of docs)
        await model(type).updateOne(
          { _id: doc._id as string },
          { $set: { [COMPANY]: await companyOf(doc, [], lookup) } },
        );
      stamped += docs.length;
    }
  }
  await marks.updateOne(
    { _id: 'read-model-companies' as never },
    { $set: { done: true, stamped, at: new Date() } },
    { upsert: true },
  );
  return stamped;
}
