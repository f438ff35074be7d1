import type { LedgerEvent } from './events';

type LedgerRecord = Record<string, unknown>;

/** Where a ledger record goes in the read model: its type (collection) and its key there. */
export interface RecordKey<T extends string> {
  type: T;
  id: string;
}

/** One record a batch writes: its newest state in the batch, and the event that carried it last. */
export interface RecordWrite<T extends string> extends RecordKey<T> {
  record: LedgerRecord;
  event: LedgerEvent;
  /** The records of that event's transaction (a record's company may come from a parent written alongside). */
  sameTransaction: LedgerRecord[];
}

/** Every record an event carries: its state, then the related records its transaction wrote. */
export const recordsOf = (event: LedgerEvent): LedgerRecord[] => [
  event.state,
  ...(Object.values(event.related ?? {}) as LedgerRecord[]),
];

/**
 * What a batch of events (in ledger order) writes: one write per record, at the newest state the batch gives it —
 * a record several events carry (created, then changed a block later) is written once, as the last left it, which
 * is what applying the events one by one would leave. Writes come in the order records first appear. `carried`
 * lists every (record type, event) pair in ledger order, the records `keyOf` does not place (undefined) left out.
 */
export function newestWrites<T extends string>(
  events: LedgerEvent[],
  keyOf: (record: LedgerRecord) => RecordKey<T> | undefined,
): { writes: RecordWrite<T>[]; carried: Array<{ type: T; event: LedgerEvent }> } {
  const writes = new Map<string, RecordWrite<T>>();
  const carried: Array<{ type: T; event: LedgerEvent }> = [];
  for (const event of events) {
    const sameTransaction = recordsOf(event);
    for (const record of sameTransaction) {
      const key = keyOf(record);
      if (!key) continue;
      carried.push({ type: key.type, event });
      const slot = `${key.type}\u0000${key.id}`;
      const earlier = writes.get(slot);
      // Events come in ledger order, so a later one carries the newer state (its position is higher).
      if (earlier) Object.assign(earlier, { record, event, sameTransaction });
      else writes.set(slot, { ...key, record, event, sameTransaction });
    }
  }
  return { writes: [...writes.values()], carried };
}
