import type { RecordKind } from '@luohu/domain';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { LedgerEvent } from './events';
import { ListIndex } from './list-index';
import type { ListMembers } from './list-members';
import { LABELS, LISTS_COLLECTION } from './list-shapes';
import type { Projection } from './projector';
import type { Logger } from '../platform/logger';
import { inParallel } from '../platform/in-parallel';
import { backfillCompanies, batchLookup, COMPANY, companyOf, readModelLookup } from './record-company';
import { RecordCache } from './record-cache';
import { insertRecords, type PlacedRecord, updateRecords } from './record-store';
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
  /** What the projector wrote since it (re)started: a batch reads only the records it does not know. */
  private readonly known = new RecordCache();
  /** Test hook: awaited for each record of an event once its collection is written (tests hold the projector mid-batch). */
  afterRecord?: (type: RecordType, event: LedgerEvent) => Promise<void>;

  /**
   * `enrichers`: the query fields each record type keeps beyond its ledger record (every family's: see domains.ts);
   * `members`: how list buckets are split and merged (list-members.ts; through FerretDB when left out).
   */
  constructor(
    private readonly connection: mongoose.Connection,
    readonly enrichers: Partial<Record<RecordType, Enricher>> = {},
    logger?: Logger,
    members?: ListMembers,
  ) {
    this.lists = new ListIndex(connection, logger, this.known, members);
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
    this.known.clear(); // another replica may have written since
    await backfillCompanies(this.connection, (t) => this.model(t) as never);
    await this.lists.resume(
      (Object.keys(COLLECTIONS) as RecordType[]).map((type) => ({
        collection: COLLECTIONS[type].collection,
        model: this.model(type) as never,
      })),
    );
  }

  /**
   * Applies a batch of events: skips records the projector knows it wrote at the event's position or a later one (a
   * replayed event), places the rest in their lists — a record it does not know as new, with no read first —, writes
   * each collection at once (record-store.ts: one insert for the new records, guarded updates for the others; a
   * record taken for new that the read model holds after all is read and placed again), then lets the lists'
   * directories follow. Collections are written one after another in the order the batch first names them;
   * `afterRecord` runs for each record of each event once its collection is written.
   */
  async apply(events: LedgerEvent[], stages?: StageTimes): Promise<void> {
    const tidy = await this.applyThenTidy(events, stages);
    await tidy();
  }

  /**
   * As apply, but the lists' directories follow later (the returned work, which the projector runs once the batch
   * is checkpointed): the records already carry their bucket labels, so readers find them; a bucket that has grown
   * past its size is only split then (a page reads it whole meanwhile), and counts are saved then.
   */
  async applyThenTidy(events: LedgerEvent[], stages?: StageTimes): Promise<() => Promise<void>> {
    const time = <T>(stage: string, work: () => Promise<T>) => (stages ? stages.time(stage, work) : work());
    const { writes, carried } = newestWrites(events, (record) => {
      const type = record.docType as RecordType | undefined;
      return type && COLLECTIONS[type] ? { type, id: COLLECTIONS[type].key(record) } : undefined;
    });
    const inBatch = new Map(writes.map((w) => [`${w.type}/${w.id}`, w.record]));
    const fromReadModel = readModelLookup((t) => this.model(t) as never);
    const lookup = batchLookup(
      (type, id) => inBatch.get(`${type}/${id}`),
      (type, id) => {
        const known = this.known.get(COLLECTIONS[type].collection, id);
        return known ? Promise.resolve(known.company) : fromReadModel(type, id);
      },
    );
    // The company each record belongs to, so that the read policy filters lists in the query (access/read-policy.ts).
    const companies = await time('read', () =>
      inParallel(writes, READ_CONCURRENCY, (w) => companyOf(w.record, w.sameTransaction, lookup)),
    );
    const placing = performance.now();
    const placed = new Map<RecordType, PlacedRecord[]>();
    for (const [i, w] of writes.entries()) {
      const known = this.known.get(COLLECTIONS[w.type].collection, w.id);
      if (known && known.position >= w.event.position) continue;
      const fields = { ...w.record, ...(this.enrichers[w.type]?.(w.record) ?? {}), [COMPANY]: companies[i] };
      const before = known ? { _position: known.position, [LABELS]: known.labels } : null;
      const { labels, touched } = await this.lists.place(COLLECTIONS[w.type].collection, w.id, before, fields);
      const doc = { ...fields, [LABELS]: labels, _position: w.event.position, _transactionId: w.event.transactionId };
      if (!placed.has(w.type)) placed.set(w.type, []);
      placed.get(w.type)!.push({ id: w.id, exists: before !== null, doc, touched });
    }
    stages?.add('place', performance.now() - placing);
    const settle: Array<{ type: RecordType; touched: PlacedRecord['touched'] }> = [];
    for (const type of new Set(carried.map((c) => c.type))) {
      const written = await time('write', () => this.write(type, placed.get(type) ?? []));
      // A guarded update that found a newer record wrote nothing; settling its buckets anyway only lets their counts
      // drift, which lists tolerate (list-index.ts): splits and merges recount first.
      settle.push({ type, touched: written.flatMap((r) => r.touched) });
      for (const c of carried) if (c.type === type) await this.afterRecord?.(type, c.event);
    }
    return async () => {
      for (const { type, touched } of settle) await this.lists.settle(this.model(type) as never, touched, stages);
    };
  }

  /**
   * Writes one collection's records of a batch and remembers them; returns those written. A record taken for new
   * that the insert refused (the read model held it: written before a restart, or a replayed batch) is read: left as
   * it is when the read model holds it at this position or a later one, else placed again from what it holds (its
   * buckets as new given back first) and updated.
   */
  private async write(type: RecordType, records: PlacedRecord[]): Promise<PlacedRecord[]> {
    const { collection } = COLLECTIONS[type];
    const model = this.model(type);
    const fresh = records.filter((r) => !r.exists);
    const refused = new Set(await insertRecords(model.collection, fresh));
    const held = await inParallel([...refused], READ_CONCURRENCY, (r) =>
      model.collection.findOne({ _id: r.id as never }, { projection: { _position: 1, [LABELS]: 1, [COMPANY]: 1 } }),
    );
    const skipped = new Set<PlacedRecord>();
    for (const [i, r] of [...refused].entries()) {
      const before = held[i];
      this.lists.withdraw(r.touched);
      if (!before) throw new Error(`${collection}/${r.id} was refused as a duplicate but is not in the read model`);
      const position = typeof before._position === 'number' ? before._position : -1;
      if (position >= r.doc._position) {
        skipped.add(r);
        this.remember(collection, r.id, position, before[LABELS], before[COMPANY]);
        continue;
      }
      const { labels, touched } = await this.lists.place(collection, r.id, before, r.doc);
      Object.assign(r, { exists: true, touched, doc: { ...r.doc, [LABELS]: labels } });
    }
    const written = records.filter((r) => !skipped.has(r));
    const updates = written.filter((r) => r.exists);
    await updateRecords(model.collection, updates);
    for (const r of written) this.remember(collection, r.id, r.doc._position, r.doc[LABELS], r.doc[COMPANY]);
    return written;
  }

  private remember(collection: string, id: string, position: number, labels: unknown, company: unknown): void {
    this.known.set(collection, id, {
      position,
      labels: Array.isArray(labels) ? (labels as string[]) : [],
      company: typeof company === 'string' ? company : null,
    });
  }
}
