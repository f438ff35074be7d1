import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { LedgerEvent } from './events';
import type { Projection } from './projector';

/**
 * Where each ledger record lives in the read model: one collection per record type, keyed like the ledger key.
 * Every event carries the records its transaction wrote (state + related), byte-identical to the ledger.
 */
const COLLECTIONS: Record<string, { collection: string; key: (r: Record<string, unknown>) => string }> = {
  project: { collection: 'projects', key: (r) => String(r.id) },
  contractor: { collection: 'contractors', key: (r) => String(r.id) },
  sealCertificate: { collection: 'seal_certificates', key: (r) => String(r.fingerprint) },
  document: { collection: 'documents', key: (r) => String(r.sha256) },
  contract: { collection: 'contracts', key: (r) => String(r.id) },
  milestone: { collection: 'milestones', key: (r) => `${r.contractId}/${r.id}` },
  changeOrder: { collection: 'change_orders', key: (r) => `${r.contractId}/${r.id}` },
  progressReport: { collection: 'progress_reports', key: (r) => `${r.contractId}/${r.id}` },
  incident: { collection: 'incidents', key: (r) => `${r.contractId}/${r.id}` },
  payout: { collection: 'payouts', key: (r) => String(r.id) },
  paymentAlert: { collection: 'payment_alerts', key: (r) => String(r.id) },
  safetyAlert: { collection: 'safety_alerts', key: (r) => String(r.id) },
  progressDeviation: { collection: 'progress_deviations', key: (r) => `${r.projectId}/${r.id}` },
  riskScore: { collection: 'risk_scores', key: (r) => `${r.projectId}/${r.id}` },
  complaint: { collection: 'complaints', key: (r) => String(r.id) },
  batchAnchor: { collection: 'batch_anchors', key: (r) => String(r.batchId) },
  attestation: { collection: 'attestations', key: (r) => String(r.id) },
};

export type RecordType = keyof typeof COLLECTIONS;

export const readModelCollections = () => Object.values(COLLECTIONS).map((c) => c.collection);

/** Extra fields a collection keeps for its queries (search tokens, map boxes), derived from the ledger record. */
export type Enricher = (record: Record<string, unknown>) => Record<string, unknown>;

export interface ReadModelDocument { _id: string; _position: number; _transactionId: string; [field: string]: unknown }

export class ReadModel implements Projection {
  private readonly models = new Map<string, mongoose.Model<ReadModelDocument>>();

  constructor(private readonly connection: mongoose.Connection, private readonly enrichers: Partial<Record<RecordType, Enricher>> = {}) {}

  model(type: RecordType): mongoose.Model<ReadModelDocument> {
    const { collection } = COLLECTIONS[type];
    let model = this.models.get(collection);
    if (!model) {
      const name = `rm_${collection}`;
      model = (this.connection.models[name] as mongoose.Model<ReadModelDocument>) ?? this.connection.model<ReadModelDocument>(name, new Schema({ _id: String }, { collection, strict: false, strictQuery: false, versionKey: false }));
      this.models.set(collection, model);
    }
    return model;
  }

  handles(): boolean {
    return true;
  }

  async apply(event: LedgerEvent): Promise<void> {
    const records = [event.state, ...Object.values(event.related ?? {})] as Record<string, unknown>[];
    for (const record of records) {
      const type = record.docType as RecordType | undefined;
      if (!type || !COLLECTIONS[type]) continue;
      await this.upsertAt(type, COLLECTIONS[type].key(record), event, { ...record, ...(this.enrichers[type]?.(record) ?? {}) });
    }
  }

  /** Writes a record unless the read model already holds it at this or a later position (a replayed event). */
  private async upsertAt(type: RecordType, id: string, event: LedgerEvent, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.model(type).updateOne(
        { _id: id, $or: [{ _position: { $lt: event.position } }, { _position: { $exists: false } }] },
        { $set: { ...fields, _position: event.position, _transactionId: event.transactionId } },
        { upsert: true },
      );
    } catch (err) {
      // The filter did not match because a newer (or this same) event was applied: the upsert's insert collides.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}
