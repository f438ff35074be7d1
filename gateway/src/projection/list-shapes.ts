/** Every combination of some fields (the filters of a list whose parameters are all optional). */
const combinations = (...fields: string[]): string[][] =>
  fields.reduce<string[][]>((all, f) => [...all, ...all.map((c) => [...c, f])], [[]]);

/**
 * The lists the API serves, by collection: each shape is a set of fields a list filters on by equality. A record
 * belongs to one list per shape (the one of its values), kept in buckets the projection maintains (list-index.ts),
 * so that a page is read by an equality FerretDB pushes down to an index, whatever the list's size. The empty shape
 * is the unfiltered list. A filter that no shape covers exactly (or that is not plain string equalities: text
 * search) takes the plain query, whose equalities PostgreSQL still narrows by its GIN indexes.
 */
export const LIST_SHAPES: Record<string, string[][]> = {
  projects: combinations('status', 'contractorId'),
  contractors: [[], ['creditCode']],
  seal_certificates: [[], ['status'], ['holderMsp', 'holderId'], ['holderMsp', 'holderId', 'status']],
  documents: combinations('projectId', 'documentType', 'status'),
  contracts: combinations('projectId', 'contractorId'),
  milestones: [['contractId'], ['contractId', 'status']],
  change_orders: [['contractId'], ['contractId', 'status']],
  progress_reports: [['contractId'], ['contractId', 'milestoneId']],
  incidents: [['contractId'], ['contractId', 'kind']],
  payouts: [...combinations('status', 'contractId', 'milestoneId'), ['projectId'], ['projectId', 'status']],
  payment_alerts: [[], ['contractId'], ['projectId'], ['payoutId']],
  safety_alerts: combinations('projectId', 'status'),
  progress_deviations: [['projectId']],
  risk_scores: [['projectId']],
  complaints: combinations('status', 'assignedUnit', 'category'),
  batch_anchors: [['kind']],
  attestations: [[], ['subject'], ['subjectKind'], ['opinion'], ['subject', 'opinion'], ['subjectKind', 'opinion']],
};

/** The collection that holds the lists' bucket directories (one document per list), their versions and build marks. */
export const LISTS_COLLECTION = 'read_model_lists';

/** The record field that holds a record's bucket labels, one per list it belongs to. */
export const LABELS = '_lists';

const encode = (v: string) => encodeURIComponent(v);

/** A list's name within its collection, e.g. "status=approved&contractorId=C-1", or "*" for the unfiltered list. */
export function listName(shape: string[], values: Record<string, unknown>): string | undefined {
  if (shape.length === 0) return '*';
  const parts: string[] = [];
  for (const field of shape) {
    const value = values[field];
    if (typeof value !== 'string') return undefined; // lists are by string equality (the API's filters are strings)
    parts.push(`${field}=${encode(value)}`);
  }
  return parts.join('&');
}

/** The lists a record belongs to. */
export function listsOf(collection: string, record: Record<string, unknown>): string[] {
  return (LIST_SHAPES[collection] ?? [])
    .map((shape) => listName(shape, record))
    .filter((n): n is string => n !== undefined);
}

/** The _id of a list's bucket directory. */
export const directoryId = (collection: string, list: string) => `${collection}|${list}`;
/** The _id of a list's version document. */
export const versionId = (collection: string, list: string) => `${collection}|${list}|version`;
/** The _id of a collection's build mark: its lists were built, for the shapes it records. */
export const builtId = (collection: string) => `${collection}|@built`;
/** The label of a bucket of a list, as records carry it in `_lists`. */
export const labelOf = (list: string, seq: number) => `${list}#${seq}`;
/** The list a bucket label belongs to. */
export const listOfLabel = (label: string) => label.slice(0, label.lastIndexOf('#'));
/** The build mark records the shapes, so that a change of shapes rebuilds the lists. */
export const shapesSignature = (collection: string) => JSON.stringify(LIST_SHAPES[collection] ?? []);

/** A bucket: its label's sequence number, the least _id it covers (up to the next bucket's), its record count. */
export type Bucket = [seq: number, from: string, count: number];

/**
 * One list's buckets in _id order; the first covers from "". `version` changes (by 2) on every split or merge;
 * its version document holds the same number once the records are relabelled, an odd one while they are: a reader
 * that saw the same even number before and after reading the buckets read a consistent set.
 */
export interface ListDirectory {
  _id: string;
  collection: string;
  list: string;
  version: number;
  seq: number;
  buckets: Bucket[];
}

/** As stored: FerretDB v1 refuses nested arrays, so the buckets go in three parallel arrays. */
export interface StoredDirectory {
  _id: string;
  collection: string;
  list: string;
  version: number;
  seq: number;
  seqs: number[];
  froms: string[];
  counts: number[];
}

/** A directory as stored (its buckets in parallel arrays). */
export const stored = ({ buckets, ...dir }: ListDirectory): StoredDirectory => ({
  ...dir,
  seqs: buckets.map((b) => b[0]),
  froms: buckets.map((b) => b[1]),
  counts: buckets.map((b) => b[2]),
});

/** A directory's version document (`changing` while a split or merge relabels records). */
export const versionDoc = (dir: ListDirectory, changing = false, version = dir.version) => ({
  _id: versionId(dir.collection, dir.list),
  collection: dir.collection,
  changing,
  version,
});

/** A stored directory with its buckets back as tuples. */
export const fromStored = ({ seqs, froms, counts, ...dir }: StoredDirectory): ListDirectory => ({
  ...dir,
  buckets: seqs.map((s, i) => [s, froms[i], counts[i]]),
});

/** Buckets split above this many records, into halves; a bucket below MIN_BUCKET merges into its neighbour if both fit in TARGET. */
export const MAX_BUCKET = 128;
export const TARGET_BUCKET = 64;
export const MIN_BUCKET = 16;

/** The bucket of a directory that covers an _id: the last whose `from` is ≤ id. */
export function bucketIndex(buckets: Bucket[], id: string): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (buckets[mid][1] <= id) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Buckets for records already sorted by _id (a build): TARGET_BUCKET records each. Returns the directories and each
 * record's labels; used to build a collection's lists at once (a migration, or the benchmark's load). A build
 * gives its directories a version no earlier directory had (readers cache directories by version).
 */
export function planLists(
  collection: string,
  records: Array<Record<string, unknown> & { _id: string }>,
  version = 0,
): { labels: Map<string, string[]>; directories: ListDirectory[] } {
  const sorted = [...records].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const labels = new Map<string, string[]>(sorted.map((r) => [r._id, []]));
  const directories = new Map<string, ListDirectory>();
  for (const record of sorted) {
    for (const list of listsOf(collection, record)) {
      let dir = directories.get(list);
      if (!dir) {
        dir = { _id: directoryId(collection, list), collection, list, version, seq: 0, buckets: [[0, '', 0]] };
        directories.set(list, dir);
      }
      let last = dir.buckets[dir.buckets.length - 1];
      if (last[2] >= TARGET_BUCKET) {
        last = [++dir.seq, record._id, 0];
        dir.buckets.push(last);
      }
      last[2] += 1;
      labels.get(record._id)!.push(labelOf(list, last[0]));
    }
  }
  return { labels, directories: [...directories.values()] };
}
