/**
 * Builds evidence bundles and checkpoints from the ledger (qscc: blocks by transaction ID and by number, chain info)
 * and the file store. Everything it puts in a bundle is the ledger's own bytes: the verifier needs nothing from here.
 */
import mongoose, { Schema } from 'mongoose';
import type { IdentityService } from '../identity/identity-service';
import type { Ledger, SigningUser } from '../ledger/ledger';
import { NotFoundError, UnprocessableError } from '../platform/errors';
import { FileStore } from '../documents/file-store';
import { common } from '@hyperledger/fabric-protos';
import { blockSignatures, compositeKey, parseBlock, parseEnvelope, ParsedBlock } from './fabric';
import {
  BUNDLE_FORMAT,
  BundleTransaction,
  Checkpoint,
  CHECKPOINT_FORMAT,
  EvidenceBundle,
  FileEvidence,
  RecordEvidence,
} from './format';

interface LedgerVersion {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: Record<string, unknown> | null;
}
interface StoredCheckpoint {
  _id: number;
  checkpoint: Checkpoint;
  createdBy: string;
  createdAt: Date;
}

/** Files larger than this are left out of a bundle (the record still anchors their hash). */
const MAX_FILE_IN_BUNDLE = 20 * 1024 * 1024;
const FETCH_CONCURRENCY = 8;

/** Builds evidence bundles from the ledger: a record's history, its transactions, blocks, configs and files. */
export class EvidenceExporter {
  private readonly checkpoints: mongoose.Model<StoredCheckpoint>;
  /** Blocks are immutable once committed: their headers (and recently used blocks) are kept. */
  private readonly headers = new Map<number, Buffer>();
  private readonly blocks = new Map<number, Buffer>();
  private readonly blockOfTx = new Map<string, number>();

  constructor(
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
    connection: mongoose.Connection,
    private readonly files: FileStore,
  ) {
    this.checkpoints =
      (connection.models.EvidenceCheckpoint as mongoose.Model<StoredCheckpoint>) ??
      connection.model<StoredCheckpoint>(
        'EvidenceCheckpoint',
        new Schema<StoredCheckpoint>(
          {
            _id: Number,
            checkpoint: { type: Schema.Types.Mixed, required: true },
            createdBy: { type: String, required: true },
            createdAt: { type: Date, required: true },
          },
          { collection: 'evidence_checkpoints', versionKey: false },
        ),
      );
  }

  private qscc(signer: SigningUser) {
    return this.ledger.gateway(signer).getNetwork(this.ledger.channel).getContract('qscc');
  }

  private async block(signer: SigningUser, n: number): Promise<Buffer> {
    let bytes = this.blocks.get(n);
    if (!bytes) {
      bytes = Buffer.from(
        await this.qscc(signer).evaluate('GetBlockByNumber', { arguments: [this.ledger.channel, String(n)] }),
      );
      if (this.blocks.size > 64) this.blocks.delete(this.blocks.keys().next().value as number);
      this.blocks.set(n, bytes);
      this.headers.set(n, parseBlock(bytes).headerDer);
    }
    return bytes;
  }

  private async blockNumberOf(signer: SigningUser, txId: string): Promise<number> {
    let n = this.blockOfTx.get(txId);
    if (n === undefined) {
      const bytes = Buffer.from(
        await this.qscc(signer).evaluate('GetBlockByTxID', { arguments: [this.ledger.channel, txId] }),
      );
      n = Number(parseBlock(bytes).number);
      this.blocks.set(n, bytes);
      this.headers.set(n, parseBlock(bytes).headerDer);
      this.blockOfTx.set(txId, n);
    }
    return n;
  }

  /** Headers from..to inclusive, fetched (a few at a time) where not already known. */
  private async chain(signer: SigningUser, from: number, to: number): Promise<{ from: string; headers: string }> {
    const missing: number[] = [];
    for (let n = from; n <= to; n++) if (!this.headers.has(n)) missing.push(n);
    for (let i = 0; i < missing.length; i += FETCH_CONCURRENCY) {
      await Promise.all(
        missing.slice(i, i + FETCH_CONCURRENCY).map(async (n) => {
          const bytes = Buffer.from(
            await this.qscc(signer).evaluate('GetBlockByNumber', { arguments: [this.ledger.channel, String(n)] }),
          );
          this.headers.set(n, parseBlock(bytes).headerDer);
        }),
      );
    }
    const parts: Buffer[] = [];
    for (let n = from; n <= to; n++) parts.push(this.headers.get(n)!);
    return { from: String(from), headers: Buffer.concat(parts).toString('base64') };
  }

  private lastConfigOf(block: ParsedBlock): number {
    const { lastConfig } = blockSignatures(block);
    if (lastConfig === null) throw new Error(`block ${block.number} names no last config`);
    return Number(lastConfig);
  }

  /**
   * A checkpoint at the newest block: its header, orderer signatures, config block and the chain between them. The
   * chain also reaches back to the previous checkpoint (or to `since`), so that `verify-evidence --consistency` can
   * link the two even when the config changed in between.
   */
  async createCheckpoint(userId: string, since?: number): Promise<Checkpoint> {
    const signer = await this.identities.reader(userId);
    const info = common.BlockchainInfo.deserializeBinary(
      await this.qscc(signer).evaluate('GetChainInfo', { arguments: [this.ledger.channel] }),
    );
    const n = Number(info.getHeight()) - 1;
    if (since !== undefined && since > n)
      throw new UnprocessableError('since_in_future', `block ${since} is not committed yet (height ${n + 1})`);
    const [previous] = await this.checkpoints
      .find({ _id: { $lt: n } }, { _id: 1 })
      .sort({ _id: -1 })
      .limit(1)
      .lean<{ _id: number }[]>();
    const reachBack = since ?? previous?._id;
    const stored = await this.checkpoints.findById(n).lean<StoredCheckpoint>();
    if (stored && (reachBack === undefined || Number(stored.checkpoint.chain.from) <= reachBack))
      return stored.checkpoint;
    const checkpoint = await this.checkpointAt(signer, n, reachBack);
    await this.checkpoints.updateOne(
      { _id: n },
      { $setOnInsert: { checkpoint, createdBy: userId, createdAt: new Date() } },
      { upsert: true },
    );
    return checkpoint;
  }

  private async checkpointAt(signer: SigningUser, n: number, reachBack?: number): Promise<Checkpoint> {
    const block = parseBlock(await this.block(signer, n));
    const configNumber = this.lastConfigOf(block);
    return {
      format: CHECKPOINT_FORMAT,
      channel: this.ledger.channel,
      blockNumber: String(n),
      createdAt: new Date().toISOString(),
      signatures: block.metadata[0].toString('base64'),
      configBlock: (await this.block(signer, configNumber)).toString('base64'),
      chain: await this.chain(signer, Math.min(configNumber, reachBack ?? configNumber), n),
    };
  }

  async latestCheckpoint(): Promise<Checkpoint> {
    const [latest] = await this.checkpoints.find({}).sort({ _id: -1 }).limit(1).lean<StoredCheckpoint[]>();
    if (!latest) throw new NotFoundError('no checkpoint has been taken yet (POST /v1/evidence/checkpoints)');
    return latest.checkpoint;
  }

  async checkpoint(n: number): Promise<Checkpoint> {
    const stored = await this.checkpoints.findById(n).lean<StoredCheckpoint>();
    if (!stored) throw new NotFoundError(`no checkpoint at block ${n}`);
    return stored.checkpoint;
  }

  private async history(signer: SigningUser, kind: string, key: string[]): Promise<LedgerVersion[]> {
    return JSON.parse(
      await this.ledger.evaluate(signer, 'audit', 'recordHistory', [kind, JSON.stringify(key)]),
    ) as LedgerVersion[];
  }

  /**
   * The bundle for one version of a record (the newest unless `txId`): the record and its transaction; for a payout
   * also the transaction that set its key-level policy and its milestone's acceptance; for a document its file.
   */
  async recordBundle(
    userId: string,
    kind: string,
    key: string[],
    options: { txId?: string; checkpoint?: number } = {},
  ): Promise<EvidenceBundle> {
    const signer = await this.identities.reader(userId);
    const versions = await this.history(signer, kind, key);
    if (versions.length === 0) throw new NotFoundError(`${kind} ${key.join('/')} has no history on the ledger`);
    const version = options.txId ? versions.find((v) => v.txId === options.txId) : versions.find((v) => !v.isDelete);
    if (!version)
      throw new NotFoundError(
        options.txId
          ? `${kind} ${key.join('/')} has no version written by ${options.txId}`
          : `${kind} ${key.join('/')} is deleted`,
      );
    if (version.isDelete)
      throw new UnprocessableError(
        'deleted_version',
        `transaction ${version.txId} deleted ${kind} ${key.join('/')}: there is no record to prove`,
      );
    const wanted: Omit<RecordEvidence, 'value'>[] = [{ recordType: kind, key, txId: version.txId, role: 'subject' }];
    if (kind === 'payout') {
      const creation = versions[versions.length - 1];
      if (creation.txId !== version.txId)
        wanted.push({ recordType: kind, key, txId: creation.txId, role: 'key-endorsement-policy' });
      const value = version.value as { contractId: string; milestoneId: string };
      const milestoneKey = [value.contractId, value.milestoneId];
      const acceptance = (await this.history(signer, 'milestone', milestoneKey))
        .filter((v) => v.value?.status === 'accepted')
        .pop();
      if (acceptance)
        wanted.push({
          recordType: 'milestone',
          key: milestoneKey,
          txId: acceptance.txId,
          role: 'milestone-acceptance',
        });
    }
    const bundle = await this.assemble(signer, wanted, options.checkpoint);
    if (kind === 'document') {
      const file = await this.file(String((version.value as { sha256?: string }).sha256 ?? ''));
      if (file) bundle.file = file;
    }
    return bundle;
  }

  private async file(sha256: string): Promise<FileEvidence | undefined> {
    const stored = await this.files.find(sha256);
    if (!stored || stored.size > MAX_FILE_IN_BUNDLE) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.files.open(stored)) chunks.push(chunk as Buffer);
    return {
      sha256,
      contentType: stored.contentType,
      filename: stored.filename,
      content: Buffer.concat(chunks).toString('base64'),
    };
  }

  /** Records, their transactions' blocks, the config block, and the header chain to a checkpoint at or after them. */
  private async assemble(
    signer: SigningUser,
    wanted: Omit<RecordEvidence, 'value'>[],
    checkpointAt?: number,
  ): Promise<EvidenceBundle> {
    const records: RecordEvidence[] = [];
    const transactions = new Map<string, BundleTransaction>();
    const blockBytes = new Map<number, Buffer>();
    let configNumber = -1;
    for (const w of wanted) {
      const n = await this.blockNumberOf(signer, w.txId);
      const bytes = await this.block(signer, n);
      const block = parseBlock(bytes);
      const txIndex = block.data.findIndex((env) => parseEnvelope(env).txId === w.txId);
      const tx = parseEnvelope(block.data[txIndex]);
      const write = tx.writes?.get(this.ledger.chaincode)?.find((kw) => kw.key === compositeKey(w.recordType, w.key));
      if (!write) throw new Error(`transaction ${w.txId} holds no write of ${w.recordType} ${w.key.join('/')}`);
      records.push({ ...w, value: write.value.toString('base64') });
      transactions.set(w.txId, { txId: w.txId, blockNumber: String(n), txIndex });
      blockBytes.set(n, bytes);
      configNumber = Math.max(configNumber, this.lastConfigOf(block));
    }
    const blockNumbers = [...blockBytes.keys()].sort((a, b) => a - b);
    const highest = Math.max(...blockNumbers);
    let checkpoint: Checkpoint;
    if (checkpointAt !== undefined) {
      if (checkpointAt < highest)
        throw new UnprocessableError(
          'checkpoint_too_old',
          `checkpoint ${checkpointAt} precedes block ${highest} of the record's transaction`,
        );
      checkpoint = await this.checkpoint(checkpointAt);
    } else {
      const [stored] = await this.checkpoints
        .find({ _id: { $gte: highest } })
        .sort({ _id: -1 })
        .limit(1)
        .lean<StoredCheckpoint[]>();
      checkpoint = stored?.checkpoint ?? (await this.checkpointAt(signer, highest));
    }
    const from = Math.min(configNumber, ...blockNumbers);
    const checkpointFrom = Number(checkpoint.chain.from);
    return {
      format: BUNDLE_FORMAT,
      channel: this.ledger.channel,
      chaincode: this.ledger.chaincode,
      exportedAt: new Date().toISOString(),
      records,
      transactions: [...transactions.values()],
      blocks: blockNumbers.map((n) => blockBytes.get(n)!.toString('base64')),
      ...(configNumber === Number(checkpoint.chain.from)
        ? {}
        : { configBlock: (await this.block(signer, configNumber)).toString('base64') }),
      ...(from < checkpointFrom ? { chain: await this.chain(signer, from, Number(checkpoint.blockNumber)) } : {}),
      checkpoint,
    };
  }
}
