/** Contract `audit`: the audit bureau's attestations — the only thing an auditor writes — and key history for any record. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { RECORD_KINDS, SUBJECT_KINDS } from '@luohu/domain';
import { actorOf, authorize } from '../shared/access';
import {
  emit,
  getRecord,
  type HistoryEntry,
  keyHistory,
  pageByIndex,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  txTime,
} from '../shared/ledger';
import { canonicalJson } from '../shared/serialise';
import { Input, parseJsonArg, requireId } from '../shared/validate';
import { refuse } from '../shared/refusal';

export const ATTESTATION = 'attestation';
export const ATTESTATION_BY_SUBJECT = 'attestation~subject';
export { RECORD_KINDS, SUBJECT_KINDS } from '@luohu/domain';
export const OPINIONS = ['no_finding', 'finding', 'qualified'] as const;
/** Records per `readCurrentVersions` call: one history lookup each, so one query stays well inside the peer's timeout. */
export const MAX_VERSIONS_PER_READ = 200;

type RecordRef = { kind: (typeof RECORD_KINDS)[number]; key: string[] };

function parseRecordRef(input: Input): RecordRef {
  return {
    kind: input.oneOf('kind', RECORD_KINDS),
    key: input.list('key', 1, 3).map((part, i) => requireId(`${input.name('key')}[${i}]`, part)),
  };
}

/** The version that last wrote `key` (the newest history entry, which Fabric returns first), or null if never written. */
async function newestVersion(ctx: Context, key: string): Promise<HistoryEntry | null> {
  return (await keyHistory(ctx, key, 1))[0] ?? null;
}

function parseAttestation(json: string) {
  const input = Input.parse('attestation', json);
  const value = {
    id: input.id('id'),
    subjectKind: input.oneOf('subjectKind', SUBJECT_KINDS),
    subjectKey: input.list('subjectKey', 1, 3).map((part, i) => requireId(`attestation.subjectKey[${i}]`, part)),
    opinion: input.oneOf('opinion', OPINIONS),
    reportSha256: input.optional('reportSha256', (f) => input.hex64(f)) ?? null,
    note: input.text('note', 2000),
  };
  input.done();
  if (value.opinion !== 'no_finding' && !value.reportSha256) {
    throw refuse(
      'invalid_request',
      `attestation ${value.id}: an opinion of ${value.opinion} needs reportSha256 (the audit report's hash)`,
    );
  }
  return value;
}

/**
 * The `audit` namespace's transactions: attest a record (auditors only), read attestations and any record's history.
 */
@Info({ title: 'audit', description: 'Audit attestations and record history' })
export class AuditContract extends Contract {
  constructor() {
    super('audit');
  }

  @Transaction()
  @Returns('string')
  async attest(ctx: Context, attestationJson: string): Promise<string> {
    const caller = await authorize(ctx, 'audit.attest');
    const input = parseAttestation(attestationJson);
    if (!(await recordExists(ctx, input.subjectKind, input.subjectKey))) {
      throw refuse(
        'not_found',
        `attestation ${input.id}: ${input.subjectKind} ${input.subjectKey.join('/')} does not exist`,
      );
    }
    if (await recordExists(ctx, ATTESTATION, [input.id])) {
      throw refuse('already_exists', `attestation ${input.id} already exists`, { kind: 'attestation', id: input.id });
    }
    const attestation = { docType: 'attestation', ...input, by: actorOf(caller), at: txTime(ctx) };
    const state = await putRecord(ctx, ATTESTATION, [input.id], attestation);
    await putIndex(
      ctx,
      ATTESTATION_BY_SUBJECT,
      [input.subjectKind, input.subjectKey.join('/'), input.id],
      recordKey(ctx, ATTESTATION, [input.id]),
    );
    emit(ctx, {
      type: 'audit.attested',
      ids: { attestationId: input.id, subjectKind: input.subjectKind, subjectKey: input.subjectKey.join('/') },
      state,
    });
    return state.json;
  }

  @Transaction(false)
  @Returns('string')
  async readAttestation(ctx: Context, attestationId: string): Promise<string> {
    await authorize(ctx, 'audit.read');
    const attestation = await getRecord<object>(ctx, ATTESTATION, [requireId('attestationId', attestationId)]);
    if (!attestation) {
      throw refuse('not_found', `attestation ${attestationId} does not exist`, {
        kind: 'attestation',
        id: attestationId,
      });
    }
    return canonicalJson(attestation);
  }

  @Transaction(false)
  @Returns('string')
  async listAttestationsBySubject(
    ctx: Context,
    subjectKind: string,
    subjectKeyJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'audit.read');
    const key = new Input('query', { subjectKind, subjectKey: parseJsonArg('subjectKeyJson', subjectKeyJson) });
    const kind = key.oneOf('subjectKind', SUBJECT_KINDS);
    const parts = key.list('subjectKey', 1, 3).map((p, i) => requireId(`subjectKey[${i}]`, p));
    return canonicalJson(
      await pageByIndex<object>(ctx, ATTESTATION_BY_SUBJECT, [kind, parts.join('/')], pageSize, bookmark),
    );
  }

  /** Every committed version of any record, e.g. ("payout", '["PAY1"]') or ("milestone", '["HT001","M1"]'), newest first. */
  @Transaction(false)
  @Returns('string')
  async recordHistory(ctx: Context, kind: string, keyJson: string): Promise<string> {
    await authorize(ctx, 'audit.read');
    const key = new Input('query', { kind, key: parseJsonArg('keyJson', keyJson) });
    const k = key.oneOf('kind', RECORD_KINDS);
    const parts = key.list('key', 1, 3).map((p, i) => requireId(`key[${i}]`, p));
    return canonicalJson(await keyHistory(ctx, recordKey(ctx, k, parts)));
  }

  /**
   * The current version of many records at once — its value and the transaction that last wrote it — for
   * reconciliation, which compares a whole read model with the ledger: '[{"kind":"project","key":["P001"]}, …]'
   * (1 to 200, no key twice) gives, in the same order, `{kind, key, current}` where `current` is the newest history
   * entry `{txId, timestamp, isDelete, value}`, or null for a key never written. Older versions: `recordHistory`.
   */
  @Transaction(false)
  @Returns('string')
  async readCurrentVersions(ctx: Context, recordsJson: string): Promise<string> {
    await authorize(ctx, 'audit.readCurrentVersions');
    const refs = new Input('query', { records: parseJsonArg('recordsJson', recordsJson) }).objects(
      'records',
      parseRecordRef,
      1,
      MAX_VERSIONS_PER_READ,
    );
    const keys = refs.map((ref) => recordKey(ctx, ref.kind, ref.key));
    const twice = keys.findIndex((key, i) => keys.indexOf(key) !== i);
    if (twice >= 0) {
      throw refuse(
        'invalid_request',
        `query.records[${twice}]: ${refs[twice].kind} ${refs[twice].key.join('/')} is asked for twice`,
      );
    }
    const versions: Array<RecordRef & { current: HistoryEntry | null }> = [];
    for (const [i, ref] of refs.entries()) {
      versions.push({ ...ref, current: await newestVersion(ctx, keys[i]) });
    }
    return canonicalJson(versions);
  }
}
