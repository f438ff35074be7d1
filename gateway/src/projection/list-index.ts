import type mongoose from 'mongoose';
import type { Logger } from '../platform/logger';
import { ferretMembers, type ListMembers, type Member } from './list-members';
import type { RecordCache } from './record-cache';
import type { StageTimes } from './stage-times';
import {
  Bucket,
  bucketIndex,
  builtId,
  directoryId,
  LABELS,
  labelOf,
  LIST_SHAPES,
  ListDirectory,
  listOfLabel,
  listsOf,
  LISTS_COLLECTION,
  MAX_BUCKET,
  MIN_BUCKET,
  planLists,
  shapesSignature,
  TARGET_BUCKET,
  versionDoc,
  versionId,
  stored,
  fromStored,
  StoredDirectory,
} from './list-shapes';

type Model = mongoose.Model<Record<string, unknown> & { _id: string }>;

const UNSAVED_COUNTS = 32;

/**
 * Keeps each collection's lists (list-shapes.ts) as buckets of records in _id order, so that a page is read by the
 * bucket's label (an equality FerretDB pushes down to a GIN index) instead of every matching record. Only the
 * projector writes (one replica, under its lease), so directories are cached here between events; the cache is
 * dropped whenever the projector (re)starts.
 */
export class ListIndex {
  private readonly directories = new Map<string, ListDirectory | null>();
  /** Directories created here and not saved yet (their version document is written with them). */
  private readonly created = new Set<string>();
  /** Count changes not saved yet, by directory. */
  private readonly unsaved = new Map<string, number>();
  private readonly store: mongoose.Collection;

  /**
   * `known`: the projector's record cache, told of every relabelling (record-cache.ts); `members`: how splits and
   * merges read and move a bucket's records (list-members.ts).
   */
  constructor(
    connection: mongoose.Connection,
    private readonly logger?: Logger,
    private readonly known?: RecordCache,
    private readonly members: ListMembers = ferretMembers,
  ) {
    this.store = connection.collection(LISTS_COLLECTION);
  }

  /** Called before projecting: forget cached directories, build the lists of collections that have none (or old shapes). */
  async resume(models: Array<{ collection: string; model: Model }>): Promise<void> {
    this.directories.clear();
    this.created.clear();
    this.unsaved.clear();
    for (const { collection, model } of models) {
      const built = await this.store.findOne({ _id: builtId(collection) as never });
      const interrupted = await this.store.findOne({ collection, changing: true });
      if (built?.shapes === shapesSignature(collection) && !interrupted) continue;
      await this.build(collection, model);
    }
  }

  /** Rebuilds a collection's lists from its records (idempotent: a crash midway leaves no build mark, so it runs again). */
  async build(collection: string, model: Model): Promise<void> {
    const started = Date.now();
    await this.store.deleteOne({ _id: builtId(collection) as never });
    const fields = Object.fromEntries([...new Set((LIST_SHAPES[collection] ?? []).flat())].map((f) => [f, 1]));
    const records = await model
      .find({}, { ...fields, [LABELS]: 1 })
      .lean<Array<Record<string, unknown> & { _id: string }>>();
    const version = 2 * Date.now(); // even, and unlike any version before (readers cache directories by version)
    const { labels, directories } = planLists(collection, records, version);
    // Readers holding directories of before see their versions change (odd: changing) while labels are rewritten.
    await this.store.updateMany(
      { collection, changing: { $exists: true } },
      { $inc: { version: 1 }, $set: { changing: true } },
    );
    const ops = records
      .filter((r) => JSON.stringify(r[LABELS] ?? []) !== JSON.stringify(labels.get(r._id)))
      .map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { [LABELS]: labels.get(r._id) } } } }));
    // Small batches: one bulk of 1,000 updates made FerretDB open PostgreSQL connections until the server refused more.
    for (let i = 0; i < ops.length; i += 16) await model.bulkWrite(ops.slice(i, i + 16) as never, { ordered: false });
    await this.store.deleteMany({ collection });
    if (directories.length) {
      await this.store.insertMany(directories.map(stored) as never[]);
      await this.store.insertMany(directories.map((d) => versionDoc(d)) as never[]);
    }
    await this.store.insertOne({
      _id: builtId(collection),
      collection: '@built',
      shapes: shapesSignature(collection),
    } as never);
    for (const dir of directories) this.directories.set(dir._id, dir);
    this.logger?.info(
      { collection, records: records.length, lists: directories.length, ms: Date.now() - started },
      'read-model lists built',
    );
  }

  /**
   * The labels a record carries once written: it keeps its bucket in every list it stays in, joins a bucket of each
   * list it enters, and leaves the lists it no longer matches. Call `settle` with the result after writing the record.
   */
  async place(
    collection: string,
    id: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
  ): Promise<{ labels: string[]; touched: Array<{ dir: ListDirectory; index: number }> }> {
    const kept = new Map(((before?.[LABELS] ?? []) as string[]).map((label) => [listOfLabel(label), label]));
    const lists = listsOf(collection, after);
    const labels: string[] = [];
    const touched: Array<{ dir: ListDirectory; index: number }> = [];
    for (const list of lists) {
      const label = kept.get(list);
      if (label) {
        labels.push(label);
        kept.delete(list);
        continue;
      }
      const dir = (await this.directory(collection, list)) ?? this.create(collection, list);
      const index = bucketIndex(dir.buckets, id);
      dir.buckets[index][2] += 1;
      labels.push(labelOf(list, dir.buckets[index][0]));
      touched.push({ dir, index });
    }
    for (const [list, label] of kept) {
      const dir = await this.directory(collection, list);
      const seq = Number(label.slice(label.lastIndexOf('#') + 1));
      const index = dir?.buckets.findIndex((b) => b[0] === seq) ?? -1;
      if (!dir || index < 0) continue;
      dir.buckets[index][2] = Math.max(0, dir.buckets[index][2] - 1);
      touched.push({ dir, index });
    }
    return { labels, touched };
  }

  /**
   * Gives back the buckets a record joined when it was placed as new (`place` with no `before`) but turned out to be
   * in the read model already: it is placed again from what it holds. Before `settle`, which may move buckets.
   */
  withdraw(touched: Array<{ dir: ListDirectory; index: number }>): void {
    for (const { dir, index } of touched) dir.buckets[index][2] = Math.max(0, dir.buckets[index][2] - 1);
  }

  /**
   * Splits buckets that grew too big and merges ones that shrank too small (saving their directories at once), and
   * saves other touched directories once every UNSAVED_COUNTS changes: their counts only steer splits and merges,
   * which recount first, so a directory saved a little behind (a restart loses at most those changes) stays right.
   * `touched` may come from several records placed one after another (a batch): a split or merge moves the indices
   * of later buckets, so each change is first resolved to its bucket, and a bucket merged away meanwhile is passed over.
   */
  async settle(
    model: Model,
    touched: Array<{ dir: ListDirectory; index: number }>,
    stages?: StageTimes,
  ): Promise<void> {
    const time = <T>(stage: string, work: () => Promise<T>) => (stages ? stages.time(stage, work) : work());
    const changes = touched.map(({ dir, index }) => ({ dir, bucket: dir.buckets[index] }));
    const save = new Set<ListDirectory>();
    for (const { dir, bucket } of changes) {
      const version = dir.version;
      if (!dir.buckets.includes(bucket)) {
        // merged into a neighbour by an earlier change of this batch, which settled the neighbour's count
      } else if (bucket[2] > MAX_BUCKET) await time('split', () => this.split(model, dir, bucket));
      else if (bucket[2] < MIN_BUCKET && dir.buckets.length > 1)
        await time('merge', () => this.mergeIfSmall(model, dir, bucket));
      const unsaved = (this.unsaved.get(dir._id) ?? 0) + 1;
      if (dir.version !== version)
        this.unsaved.delete(dir._id); // saved by the split or merge
      else if (this.created.has(dir._id) || unsaved >= UNSAVED_COUNTS) save.add(dir);
      else this.unsaved.set(dir._id, unsaved);
    }
    if (save.size) await time('directories', () => this.save(save));
  }

  private async save(save: Set<ListDirectory>): Promise<void> {
    await Promise.all(
      [...save].map((dir) => this.store.replaceOne({ _id: dir._id as never }, stored(dir), { upsert: true })),
    );
    for (const dir of save) {
      this.unsaved.delete(dir._id);
      if (!this.created.delete(dir._id)) continue;
      await this.store.replaceOne({ _id: versionId(dir.collection, dir.list) as never }, versionDoc(dir), {
        upsert: true,
      });
    }
  }

  private async directory(collection: string, list: string): Promise<ListDirectory | null> {
    const id = directoryId(collection, list);
    if (!this.directories.has(id)) {
      const doc = (await this.store.findOne({ _id: id as never })) as StoredDirectory | null;
      this.directories.set(id, doc && fromStored(doc));
    }
    return this.directories.get(id)!;
  }

  /** A new list's directory: one bucket, and a version no directory of that id had before (readers cache by version). */
  private create(collection: string, list: string): ListDirectory {
    const dir: ListDirectory = {
      _id: directoryId(collection, list),
      collection,
      list,
      version: 2 * Date.now(),
      seq: 0,
      buckets: [[0, '', 0]],
    };
    this.directories.set(dir._id, dir);
    this.created.add(dir._id);
    return dir;
  }

  /**
   * Splits a bucket at its median _id: the upper half gets a new label. A batch may have filled it far past
   * MAX_BUCKET: a half still too big is split again.
   */
  private async split(model: Model, dir: ListDirectory, bucket: Bucket): Promise<void> {
    const label = labelOf(dir.list, bucket[0]);
    const records = (await this.members.read(model, label)).sort((a, b) =>
      a._id < b._id ? -1 : a._id > b._id ? 1 : 0,
    );
    if (records.length <= MAX_BUCKET) {
      bucket[2] = records.length;
      return;
    } // the count had drifted
    const from = records[records.length >> 1]._id;
    const upper: Bucket = [dir.seq + 1, from, records.length - (records.length >> 1)];
    await this.restructure(dir, async () => {
      await this.relabel(model, dir.collection, label, labelOf(dir.list, upper[0]), records.slice(records.length >> 1));
      dir.seq = upper[0];
      bucket[2] = records.length - upper[2];
      dir.buckets.splice(dir.buckets.indexOf(bucket) + 1, 0, upper);
    });
    for (const half of [bucket, upper]) if (half[2] > MAX_BUCKET) await this.split(model, dir, half);
  }

  /** Merges a small bucket into its smaller neighbour when both fit in TARGET_BUCKET (an empty one just goes); counts are checked first. */
  private async mergeIfSmall(model: Model, dir: ListDirectory, bucket: Bucket): Promise<void> {
    const i = dir.buckets.indexOf(bucket);
    const neighbours = [dir.buckets[i - 1], dir.buckets[i + 1]].filter((b): b is Bucket => b !== undefined);
    const held = new Map<Bucket, Member[]>();
    for (const b of [bucket, ...neighbours]) {
      held.set(b, await this.members.read(model, labelOf(dir.list, b[0])));
      b[2] = held.get(b)!.length;
    }
    const into = neighbours.sort((a, b) => a[2] - b[2])[0];
    if (bucket[2] >= MIN_BUCKET || bucket[2] + into[2] > TARGET_BUCKET) return;
    const [lower, upper] = dir.buckets.indexOf(into) < i ? [into, bucket] : [bucket, into];
    await this.restructure(dir, async () => {
      // The upper bucket's records join the lower one, which then covers both ranges.
      await this.relabel(
        model,
        dir.collection,
        labelOf(dir.list, upper[0]),
        labelOf(dir.list, lower[0]),
        held.get(upper)!,
      );
      lower[2] += upper[2];
      dir.buckets.splice(dir.buckets.indexOf(upper), 1);
    });
  }

  /** A split or merge under the directory's version: odd while records are relabelled, the next even number after. */
  private async restructure(dir: ListDirectory, change: () => Promise<void>): Promise<void> {
    const id = versionId(dir.collection, dir.list) as never;
    await this.store.replaceOne({ _id: id }, versionDoc(dir, true, dir.version + 1), { upsert: true });
    await change();
    dir.version += 2;
    // At once: a reader that saw the new version with the old directory finds their versions differ, and reads again.
    await Promise.all([
      this.store.replaceOne({ _id: dir._id as never }, stored(dir), { upsert: true }),
      this.store.replaceOne({ _id: id }, versionDoc(dir), { upsert: true }),
    ]);
  }

  /**
   * Moves records (read with their labels) from one bucket label to another. Readers do not use the labels meanwhile:
   * the directory's version says it is changing (restructure).
   */
  private async relabel(model: Model, collection: string, from: string, to: string, records: Member[]): Promise<void> {
    await this.members.move(model, from, to, records);
    this.known?.relabel(
      collection,
      from,
      to,
      records.map((r) => r._id),
    );
  }
}
