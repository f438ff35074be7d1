import type { Ledger, SigningUser } from '../ledger/ledger';
import type { RecordKind } from '@luohu/domain';

/** One committed version of a ledger record, as `audit:recordHistory` returns it (newest first). */
export interface LedgerVersion {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: Record<string, unknown> | null;
}

/** A record asked for by kind and ledger key. */
export interface RecordRef {
  kind: RecordKind;
  key: string[];
}

/** Records per `audit:readCurrentVersions` call: the chaincode refuses more. */
export const MAX_VERSIONS_PER_READ = 200;

/**
 * The ledger key of a read-model record: the read model keys each record like the ledger, composite keys joined by
 * "/" (ledger ids never contain one). Taken from _id, not from the fields, so that an edited id field is a difference.
 */
export const ledgerKeyOf = (readModelId: string): string[] => readModelId.split('/');

/** Where a run reads records from the ledger (the ledger; a stand-in in the benchmark). */
export interface RecordHistories {
  /** Every committed version, newest first; empty when the key was never written. */
  history(kind: RecordKind, key: string[]): Promise<LedgerVersion[]>;
  /**
   * The version that last wrote each record (null: never written), in the order asked, at most
   * MAX_VERSIONS_PER_READ at once. Refused as a whole (LedgerRefusal) when any one key is invalid.
   */
  currentVersions(records: RecordRef[]): Promise<Array<LedgerVersion | null>>;
}

/** Reads records from the ledger as the gateway's own auditor identity (the events reader). */
export class LedgerRecords implements RecordHistories {
  constructor(
    private readonly ledger: Ledger,
    private readonly reader: () => Promise<SigningUser>,
  ) {}

  async history(kind: RecordKind, key: string[]): Promise<LedgerVersion[]> {
    return JSON.parse(
      await this.ledger.evaluate(await this.reader(), 'audit', 'recordHistory', [kind, JSON.stringify(key)]),
    ) as LedgerVersion[];
  }

  async currentVersions(records: RecordRef[]): Promise<Array<LedgerVersion | null>> {
    if (records.length === 0) return [];
    if (records.length > MAX_VERSIONS_PER_READ)
      throw new RangeError(`at most ${MAX_VERSIONS_PER_READ} records per read, got ${records.length}`);
    const asked = JSON.stringify(records.map(({ kind, key }) => ({ kind, key })));
    const answer = JSON.parse(
      await this.ledger.evaluate(await this.reader(), 'audit', 'readCurrentVersions', [asked]),
    ) as Array<RecordRef & { current: LedgerVersion | null }>;
    return records.map((record, i) => {
      const got = answer[i];
      if (!got || got.kind !== record.kind || got.key.join('/') !== record.key.join('/')) {
        throw new Error(
          `audit:readCurrentVersions answered out of order at ${i} (${record.kind} ${record.key.join('/')})`,
        );
      }
      return got.current;
    });
  }
}
