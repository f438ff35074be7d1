import type { RecordKind } from '@luohu/domain';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { LedgerEvent } from './events';
import { ListIndex } from './list-index';
import { LABELS, LISTS_COLLECTION } from './list-shapes';
import type { Projection } from './projector';
import type { Logger } from '../platform/logger';
import { inParallel } from '../platform/in-parallel';
import { backfillCompanies, batchLookup, COMPANY, companyOf, readModelLookup } from './record-company';
import { type PlacedRecord, writeRecords } from './record-store';
import { newestWrites } from './record-writes';
import type { StageTimes } from './stage-times';

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

/** Reads of a batch in flight at once: the gateway's database pool (20) stays open to the API meanwhile. */
const READ_CONCURRENCY = 6;

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
  /** Test hook: awaited for each record of an event once its collection is written (tests hold the projector mid-batch). */
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

  /**
   * Applies a batch of events: reads what the read model holds of each record the batch writes (its position and
   * list labels), skips what it already holds at the event's position or a later one (a replayed event), places the
   * rest in their lists, writes each collection at once (record-store.ts), then lets the lists' directories follow.
   * Collections are written one after another in the order the batch first names them; `afterRecord` runs for each
   * record of each event once its collection is written.
   */
  async apply(events: LedgerEvent[], stages?: StageTimes): Promise<void> {
    const time = <T>(stage: string, work: () => Promise<T>) => (stages ? stages.time(stage, work) : work());
    const { writes, carried } = newestWrites(events, (record) => {
      const type = record.docType as RecordType | undefined;
      return type && COLLECTIONS[type] ? { type, id: COLLECTIONS[type].key(record) } : undefined;
    });
    const inBatch = new Map(writes.map((w) => [`${w.type}/${w.id}`, w.record]));
    const lookup = batchLookup(
      (type, id) => inBatch.get(`${type}/${id}`),
      readModelLookup((t) => this.model(t) as never),
    );
    const known = await time('read', () =>
      inParallel(writes, READ_CONCURRENCY, (w) =>
        Promise.all([
          this.model(w.type).collection.findOne({ _id: w.id as never }, { projection: { _position: 1, [LABELS]: 1 } }),
          // The company the record belongs to, so that the read policy filters lists in the query (access/read-policy.ts).
          companyOf(w.record, w.sameTransaction, lookup),
        ]),
      ),
    );
    const placing = performance.now();
    const placed = new Map<RecordType, PlacedRecord[]>();
    for (const [i, w] of writes.entries()) {
      const [before, company] = known[i];
      if (before && typeof before._position === 'number' && before._position >= w.event.position) continue;
      const fields = { ...w.record, ...(this.enrichers[w.type]?.(w.record) ?? {}), [COMPANY]: company };
      const { labels, touched } = await this.lists.place(COLLECTIONS[w.type].collection, w.id, before, fields);
      const doc = { ...fields, [LABELS]: labels, _position: w.event.position, _transactionId: w.event.transactionId };
      if (!placed.has(w.type)) placed.set(w.type, []);
      placed.get(w.type)!.push({ id: w.id, exists: before !== null, doc, touched });
    }
    stages?.add('place', performance.now() - placing);
    for (const type of new Set(carried.map((c) => c.type))) {
      const model = this.model(type);
      const records = placed.get(type) ?? [];
      await time('write', () => writeRecords(model.collection, records));
      // A guarded update that found a newer record wrote nothing; settling its buckets anyway only lets their counts
      // drift, which lists tolerate (list-index.ts): splits and merges recount first.
      await this.lists.settle(
        model as never,
        records.flatMap((r) => r.touched),
        stages,
      );
      for (const c of carried) if (c.type === type) await this.afterRecord?.(type, c.event);
    }
  }
}
