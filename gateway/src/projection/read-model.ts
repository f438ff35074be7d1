import type { RecordKind } from '@luohu/domain';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { LedgerEvent } from './events';
import { ListIndex } from './list-index';
import { LABELS, LISTS_COLLECTION } from './list-shapes';
import type { Projection } from './projector';
import type { Logger } from '../platform/logger';
import { backfillCompanies, COMPANY, companyOf, readModelLookup } from './record-company';

/**
 * Where each ledger record lives in the read model: one collection per record type, keyed like the ledger key.
 * Every event carries the records its transaction wrote (state + related), byte-identical to the ledger.
 */
const COLLECTIONS: Record<RecordKind, { collection: string; key: (r: Record<string, unknown>) => string }> = {
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

/** A ledger record kind (the domain's list): each has its read-model collection. */
export type RecordType = RecordKind;

/** The record type a read-model collection holds. */
export const typeOfCollection = (collection: string): RecordType | undefined =>
  (Object.keys(COLLECTIONS) as RecordType[]).find((t) => COLLECTIONS[t].collection === collection);

/** The read model's collections, and the one holding their lists' bucket directories. */
export const readModelCollections = () => [...Object.values(COLLECTIONS).map((c) => c.collection), LISTS_COLLECTION];

/** Extra fields a collection keeps for its queries (search tokens, map boxes), derived from the ledger record. */
export type Enricher = (record: Record<string, unknown>) => Record<string, unknown>;

/** A read-model record: the ledger record's fields, with the event position and the transaction that wrote it. */
export interface ReadModelDocument {
  _id: string;
  _position: number;
  _transactionId: string;
  [field: string]: unknown;
}

/**
 * The queryable copy of the ledger's records, one collection per record type, written only by the projector from ledger
 * events; with the list buckets that page its lists.
 */
export class ReadModel implements Projection {
  private readonly models = new Map<string, mongoose.Model<ReadModelDocument>>();
  private readonly lists: ListIndex;
  /** Test hook: awaited after each record of an event is written (tests hold the projector mid-transaction). */
  afterRecord?: (type: RecordType, event: LedgerEvent) => Promise<void>;

  /** `enrichers`: the query fields each record type keeps beyond its ledger record (every family's: see domains.ts). */
  constructor(
    private readonly connection: mongoose.Connection,
    readonly enrichers: Partial<Record<RecordType, Enricher>> = {},
    logger?: Logger,
  ) {
    this.lists = new ListIndex(connection, logger);
  }

  model(type: RecordType): mongoose.Model<ReadModelDocument> {
    const { collection } = COLLECTIONS[type];
    let model = this.models.get(collection);
    if (!model) {
      const name = `rm_${collection}`;
      model =
        (this.connection.models[name] as mongoose.Model<ReadModelDocument>) ??
        this.connection.model<ReadModelDocument>(
          name,
          new Schema({ _id: String }, { collection, strict: false, strictQuery: false, versionKey: false }),
        );
      this.models.set(collection, model);
    }
    return model;
  }

  handles(): boolean {
    return true;
  }

  /** Before projecting (again): the lists of every collection are built and no cached directory survives. */
  async resume(): Promise<void> {
    await backfillCompanies(this.connection, (t) => this.model(t) as never);
    await this.lists.resume(
      (Object.keys(COLLECTIONS) as RecordType[]).map((type) => ({
        collection: COLLECTIONS[type].collection,
        model: this.model(type) as never,
      })),
    );
  }

  async apply(event: LedgerEvent): Promise<void> {
    const records = [event.state, ...Object.values(event.related ?? {})] as Record<string, unknown>[];
    const lookup = readModelLookup((t) => this.model(t) as never);
    for (const record of records) {
      const type = record.docType as RecordType | undefined;
      if (!type || !COLLECTIONS[type]) continue;
      // The company the record belongs to, so that the read policy filters lists in the query (access/read-policy.ts).
      const company = await companyOf(record, records, lookup);
      await this.upsertAt(type, COLLECTIONS[type].key(record), event, {
        ...record,
        ...(this.enrichers[type]?.(record) ?? {}),
        [COMPANY]: company,
      });
      await this.afterRecord?.(type, event);
    }
  }

  /**
   * Writes a record unless the read model already holds it at this or a later position (a replayed event), with the
   * labels of the list buckets it belongs to; then the lists' directories follow.
   */
  private async upsertAt(
    type: RecordType,
    id: string,
    event: LedgerEvent,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const model = this.model(type);
    const before = await model.findById(id, { _position: 1, [LABELS]: 1 }).lean<ReadModelDocument>();
    if (before && typeof before._position === 'number' && before._position >= event.position) return;
    const { collection } = COLLECTIONS[type];
    const placed = await this.lists.place(collection, id, before, fields);
    try {
      await model.updateOne(
        { _id: id, $or: [{ _position: { $lt: event.position } }, { _position: { $exists: false } }] },
        {
          $set: { ...fields, [LABELS]: placed.labels, _position: event.position, _transactionId: event.transactionId },
        },
        { upsert: true },
      );
    } catch (err) {
      // The filter did not match because a newer (or this same) event was applied: the upsert's insert collides.
      if ((err as { code?: number }).code !== 11000) throw err;
      return;
    }
    await this.lists.settle(model as never, placed.touched);
  }
}
