/** What the projector knows of a read-model record it wrote or read: its position, list labels and company. */
export interface KnownRecord {
  position: number;
  labels: string[];
  company: string | null;
}

/** At most this many records are remembered (the least recently written are forgotten first): ~15 MB. */
const LIMIT = 50_000;

/**
 * The records this projector has written since it (re)started, so that a batch needs no read to know where a record
 * stands (its position, for the replay guard, and the list buckets it is in). Only the projector writes the read
 * model (one replica, under its lease), so what it wrote is what the read model holds — as long as every relabelling
 * of buckets (splits, merges: list-index.ts) is told here too. Cleared whenever the projector (re)starts, since
 * another replica may have written meanwhile. A record not remembered here is unknown, not absent.
 */
export class RecordCache {
  private readonly records = new Map<string, Map<string, KnownRecord>>();
  private size = 0;

  constructor(private readonly limit = LIMIT) {}

  get(collection: string, id: string): KnownRecord | undefined {
    return this.records.get(collection)?.get(id);
  }

  set(collection: string, id: string, known: KnownRecord): void {
    let byId = this.records.get(collection);
    if (!byId) this.records.set(collection, (byId = new Map()));
    if (byId.delete(id)) this.size -= 1; // re-inserted: the most recently written
    byId.set(id, known);
    this.size += 1;
    if (this.size > this.limit) this.evict();
  }

  /** Records of a collection moved from one bucket label to another (ids given: those; else every holder of `from`). */
  relabel(collection: string, from: string, to: string, ids?: Iterable<string>): void {
    const byId = this.records.get(collection);
    if (!byId) return;
    const swap = (known: KnownRecord | undefined) => {
      if (known?.labels.includes(from)) known.labels = known.labels.map((l) => (l === from ? to : l));
    };
    if (ids) for (const id of ids) swap(byId.get(id));
    else for (const known of byId.values()) swap(known);
  }

  clear(): void {
    this.records.clear();
    this.size = 0;
  }

  /** Forgets the least recently written tenth, from every collection in proportion to its share. */
  private evict(): void {
    const total = this.size;
    const target = this.limit - Math.ceil(this.limit / 10);
    this.size = 0;
    for (const byId of this.records.values()) {
      const keep = Math.floor((byId.size * target) / total);
      for (const id of [...byId.keys()].slice(0, byId.size - keep)) byId.delete(id);
      this.size += byId.size;
    }
  }
}
