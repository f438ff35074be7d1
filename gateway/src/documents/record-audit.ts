import type mongoose from 'mongoose';
import { common } from '@hyperledger/fabric-protos';
import { canonicalJson, RecordKind, SUBJECT_KINDS } from '@luohu/domain';
import type { IdentityService } from '../identity/identity-service';
import type { Ledger, SigningUser } from '../ledger/ledger';
import type { OperationRecord } from '../operations/models';
import { NotFoundError } from '../platform/errors';
import type { Enricher, ReadModel, ReadModelDocument, RecordType } from '../projection/read-model';
import { findWhere } from '../shared/read-queries';

/** Ledger keyed (projectId, id), read model keyed by id alone. */
const KEYED_BY_LAST_PART = new Set<RecordKind>(['riskScore', 'progressDeviation']);
/** A record's key in the read model: its last key part for records keyed by it, else the parts joined by '/'. */
export const readModelId = (kind: RecordKind, key: string[]) =>
  KEYED_BY_LAST_PART.has(kind) ? key[key.length - 1] : key.join('/');
/** A record as an attestation's subject: `kind/key…`. */
export const subjectOf = (kind: string, key: string[]) => `${kind}/${key.join('/')}`;

interface LedgerVersion {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: Record<string, unknown> | null;
}

/** One change of a record in the ledger's history, with the receipt of the transaction that made it. */
export interface Change {
  transactionId: string;
  blockNumber: string | null;
  timestamp: string;
  isDelete: boolean;
  value: Record<string, unknown> | null;
  /** The gateway operation that anchored it (who, which action, when), when it came through a gateway. */
  operation: { id: string; action: string; by: string; at: Date } | null;
}

/** A field on which the read model and the ledger disagree. */
export interface FieldDifference {
  field: string;
  readModel: unknown;
  ledger: unknown;
}

/**
 * A value in a comparable form: the domain's canonical JSON (sorted keys), so that equal values compare equal whatever
 * order the database returned them in; undefined (absent) stays distinct from null.
 */
export const comparable = (value: unknown): string => (value === undefined ? 'undefined' : canonicalJson(value));

/**
 * The audit trail of any record: its ledger history (every committed version, newest first) joined with the
 * gateway's receipts, the auditors' attestations, and a field-by-field check of the read model against the ledger.
 */
export class RecordAudit {
  constructor(
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
    private readonly readModel: ReadModel,
    private readonly operations: mongoose.Model<OperationRecord>,
    private readonly enrichers: () => Partial<Record<RecordType, Enricher>>,
  ) {}

  private async versions(signer: SigningUser, kind: RecordKind, key: string[]): Promise<LedgerVersion[]> {
    const versions = JSON.parse(
      await this.ledger.evaluate(signer, 'audit', 'recordHistory', [kind, JSON.stringify(key)]),
    ) as LedgerVersion[];
    if (versions.length === 0) throw new NotFoundError(`${subjectOf(kind, key)} has no history on the ledger`);
    return versions;
  }

  async history(userId: string, kind: RecordKind, key: string[]) {
    const signer = await this.identities.reader(userId);
    const versions = await this.versions(signer, kind, key);
    const txIds = versions.map((v) => v.txId);
    const operations = await this.operations
      .find({ 'receipt.transactionId': { $in: txIds } }, { _id: 1, userId: 1, action: 1, receipt: 1, createdAt: 1 })
      .lean();
    const byTx = new Map(operations.map((o) => [o.receipt!.transactionId, o]));
    const changes: Change[] = [];
    for (const v of versions) {
      const op = byTx.get(v.txId);
      changes.push({
        transactionId: v.txId,
        // Writes that did not come through a gateway have no receipt: ask the ledger which block holds them.
        blockNumber: op?.receipt?.blockNumber ?? (await this.blockOf(signer, v.txId)),
        timestamp: v.timestamp,
        isDelete: v.isDelete,
        value: v.value,
        operation: op ? { id: op._id, action: op.action, by: op.userId, at: op.createdAt } : null,
      });
    }
    const attestations = (SUBJECT_KINDS as readonly string[]).includes(kind)
      ? await findWhere(this.readModel.model('attestation'), { subject: subjectOf(kind, key) }, 200)
      : [];
    return { kind, key, changes, attestations };
  }

  private async blockOf(signer: SigningUser, txId: string): Promise<string | null> {
    try {
      const qscc = this.ledger.gateway(signer).getNetwork(this.ledger.channel).getContract('qscc');
      const bytes = await qscc.evaluate('GetBlockByTxID', { arguments: [this.ledger.channel, txId] });
      return String(common.Block.deserializeBinary(bytes).getHeader()?.getNumber() ?? '') || null;
    } catch {
      return null;
    }
  }

  /**
   * Compares the read model's copy with the ledger's current value, field by field: every ledger field, plus the
   * query fields the read model derives from it (enrichers); the projection's bookkeeping is left out.
   */
  async verify(userId: string, kind: RecordKind, key: string[]) {
    const [current] = await this.versions(await this.identities.reader(userId), kind, key);
    if (current.isDelete || !current.value)
      throw new NotFoundError(`${subjectOf(kind, key)} was deleted on the ledger`);
    const type = kind as RecordType;
    const stored = await this.readModel.model(type).findById(readModelId(kind, key)).lean<ReadModelDocument>();
    const expected: Record<string, unknown> = { ...current.value, ...(this.enrichers()[type]?.(current.value) ?? {}) };
    const differences: FieldDifference[] = [];
    if (stored) {
      const { _id, _position, _transactionId, _lists, _company, ...fields } = stored;
      void _id;
      void _position;
      void _transactionId;
      void _lists;
      void _company;
      for (const field of [...new Set([...Object.keys(expected), ...Object.keys(fields)])].sort()) {
        if (comparable(fields[field]) !== comparable(expected[field]))
          differences.push({ field, readModel: fields[field] ?? null, ledger: expected[field] ?? null });
      }
    }
    const sameTransaction = stored?._transactionId === current.txId;
    return {
      kind,
      key,
      match: !!stored && sameTransaction && differences.length === 0,
      readModel: { present: !!stored, transactionId: stored?._transactionId ?? null },
      ledger: { transactionId: current.txId, timestamp: current.timestamp },
      fieldsCompared: Object.keys(expected).length,
      differences,
    };
  }
}
