import type { Ledger, SigningUser } from '../ledger/ledger';
import type { RecordKind } from '../documents/record-audit';

/** One committed version of a ledger record, as `audit:recordHistory` returns it (newest first). */
export interface LedgerVersion { txId: string; timestamp: string; isDelete: boolean; value: Record<string, unknown> | null }

/**
 * The ledger key of a read-model record: the read model keys each record like the ledger, composite keys joined by
 * "/" (ledger ids never contain one). Taken from _id, not from the fields, so that an edited id field is a difference.
 */
export const ledgerKeyOf = (readModelId: string): string[] => readModelId.split('/');

/** Where a run reads records' ledger histories (the ledger; a stand-in in the benchmark). */
export interface RecordHistories {
  /** Every committed version, newest first; empty when the key was never written. */
  history(kind: RecordKind, key: string[]): Promise<LedgerVersion[]>;
}

/** Reads records' ledger histories as the gateway's own auditor identity (the events reader). */
export class LedgerRecords implements RecordHistories {
  constructor(private readonly ledger: Ledger, private readonly reader: () => Promise<SigningUser>) {}

  /** Every committed version, newest first; empty when the key was never written. */
  async history(kind: RecordKind, key: string[]): Promise<LedgerVersion[]> {
    return JSON.parse(await this.ledger.evaluate(await this.reader(), 'audit', 'recordHistory', [kind, JSON.stringify(key)])) as LedgerVersion[];
  }
}
