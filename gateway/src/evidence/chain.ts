/**
 * Block header chains and checkpoints: a checkpoint is a block header signed by the ordering service (its
 * BlockValidation policy, under the config block hash-linked to it); a chain proves by previous_hash links that
 * blocks lead to a checkpoint unaltered. Verified links are cached per checkpoint header (keyed by hash).
 */
import { BLOCK_VALIDATION_POLICY, CHECKPOINT_FORMAT, Checkpoint, HeaderChain } from './format';
import { ChannelConfig, ValidIdentity } from './channel-config';
import {
  blockSignatures,
  HEADER_TYPE,
  ParsedBlock,
  parseBlock,
  parseEnvelope,
  ParsedTransaction,
  sha256,
  splitHeaders,
} from './fabric';

/** A step of verifying the chain of blocks failed: the bundle does not prove what it claims. */
export class VerificationError extends Error {}
const fail = (message: string): never => {
  throw new VerificationError(message);
};
const hex = (b: Buffer) => b.toString('hex');

/** A checkpoint verified against its configuration: block number, header, header hash, the config in force. */
export interface VerifiedCheckpoint {
  blockNumber: bigint;
  headerDer: Buffer;
  headerHash: string;
  config: ChannelConfig;
  detail: string;
}

/** A block parsed once and kept for the steps that need it, with what was already checked of it. */
export interface CachedBlock extends ParsedBlock {
  txs: Map<number, ParsedTransaction>;
  dataHashMatches?: boolean;
  signed?: ReturnType<typeof blockSignatures>;
}

const BLOCKS_KEPT = 512;

/**
 * Shared across verifications, so that what many bundles share is checked once: parsed configs and blocks, verified
 * checkpoints, header chains, block signatures and transaction signatures. Keys are the evidence's own bytes (or
 * their SHA-256), so a cached answer is only ever reused for the very same input.
 */
export class VerificationCache {
  private readonly configs = new Map<string, ChannelConfig>();
  private readonly blocks = new Map<string, CachedBlock>();
  readonly checkpoints = new Map<string, { checkpoint: Checkpoint; verified: VerifiedCheckpoint }>();
  /** Verified chains by their bytes: block number → header hash, and the last header's hash. */
  readonly links = new Map<string, { byNumber: Map<bigint, string>; lastHash: string }>();
  /** Header hash (+ config) of blocks whose orderer signatures satisfied BlockValidation. */
  readonly signedBlocks = new Map<string, string>();
  private readonly transactionChecks = new WeakMap<ParsedTransaction, Map<ChannelConfig, TransactionChecks>>();

  config(configBlockBase64: string): ChannelConfig {
    let config = this.configs.get(configBlockBase64);
    if (!config) {
      const block = this.block(configBlockBase64);
      if (block.data.length !== 1 || parseEnvelope(block.data[0]).type !== HEADER_TYPE.CONFIG)
        fail(`block ${block.number} given as the config block is not a config block`);
      if (!sha256(...block.data).equals(block.header.dataHash))
        fail(`config block ${block.number}: data hash does not match its contents`);
      config = ChannelConfig.fromBlock(Buffer.from(configBlockBase64, 'base64'));
      this.configs.set(configBlockBase64, config);
    }
    return config;
  }

  /** A block parsed once (its transactions on first use). */
  block(base64: string): CachedBlock {
    let block = this.blocks.get(base64);
    if (!block) {
      block = { ...parseBlock(Buffer.from(base64, 'base64')), txs: new Map() };
      if (this.blocks.size >= BLOCKS_KEPT) this.blocks.delete(this.blocks.keys().next().value as string);
      this.blocks.set(base64, block);
    }
    return block;
  }

  transaction(block: CachedBlock, index: number): ParsedTransaction | undefined {
    let tx = block.txs.get(index);
    if (!tx && block.data[index]) {
      tx = parseEnvelope(block.data[index]);
      block.txs.set(index, tx);
    }
    return tx;
  }

  /**
   * What was verified about a transaction under a config (endorsers, creator): the transaction object is the cached
   * block's.
   */
  checked(tx: ParsedTransaction, config: ChannelConfig): TransactionChecks {
    let byConfig = this.transactionChecks.get(tx);
    if (!byConfig) {
      byConfig = new Map();
      this.transactionChecks.set(tx, byConfig);
    }
    let checks = byConfig.get(config);
    if (!checks) {
      checks = {};
      byConfig.set(config, checks);
    }
    return checks;
  }
}

/** Facts proven about one transaction: its endorsers (signatures verified, identities valid) and its creator. */
export interface TransactionChecks {
  endorsers?: ValidIdentity[];
  creator?: ValidIdentity;
}

/**
 * A chain that must be contiguous, link by previous_hash and end at `anchorDer`, holding the `needed` headers. A
 * chain already verified (same bytes, same anchor) is not walked again.
 */
export function verifyChain(
  cache: VerificationCache,
  chain: HeaderChain,
  anchorDer: Buffer,
  needed: Map<bigint, Buffer>,
): string {
  const key = `${chain.from}:${chain.headers}`;
  let known = cache.links.get(key);
  let detail: string;
  if (known) {
    detail = `${known.byNumber.size} headers linked by previous_hash`;
  } else {
    const headers = splitHeaders(Buffer.from(chain.headers, 'base64'));
    if (headers.length === 0) fail('the header chain is empty');
    const from = BigInt(chain.from);
    const byNumber = new Map<bigint, string>();
    headers.forEach((h, i) => {
      if (h.fields.number !== from + BigInt(i))
        fail(`header chain gap: expected block ${from + BigInt(i)}, found block ${h.fields.number}`);
      if (i > 0 && !h.fields.previousHash.equals(sha256(headers[i - 1].der)))
        fail(
          `block ${h.fields.number}: previous_hash does not match the hash of block ${h.fields.number - 1n}'s header`,
        );
      byNumber.set(h.fields.number, hex(sha256(h.der)));
    });
    known = { byNumber, lastHash: hex(sha256(headers[headers.length - 1].der)) };
    cache.links.set(key, known);
    detail = `${headers.length} headers ${from}..${from + BigInt(headers.length - 1)} linked by previous_hash`;
  }
  if (known.lastHash !== hex(sha256(anchorDer))) fail("the header chain does not end at the checkpoint's header");
  for (const [n, der] of needed) {
    const inChain = known.byNumber.get(n);
    if (!inChain) fail(`block ${n} is not covered by the header chain`);
    if (inChain !== hex(sha256(der))) fail(`block ${n}'s header differs from the chain's header for block ${n}`);
  }
  return detail;
}

/** Orderer signatures over a block (header + SIGNATURES metadata) against the config's BlockValidation policy. */
export function verifyBlockSignatures(
  cache: VerificationCache,
  config: ChannelConfig,
  block: Pick<ParsedBlock, 'number' | 'headerDer' | 'metadata'>,
): string {
  const key = `${hex(sha256(block.headerDer, block.metadata[0] ?? Buffer.alloc(0)))}:${config.blockNumber}:${config.channel}`;
  const known = cache.signedBlocks.get(key);
  if (known) return known;
  const { signatures } = blockSignatures(block as ParsedBlock);
  if (signatures.length === 0) fail(`block ${block.number} carries no orderer signature`);
  const result = config.evaluate(
    BLOCK_VALIDATION_POLICY,
    signatures.map((s) => ({ identity: s.creator, data: s.signedBytes, signature: s.signature })),
  );
  if (!result.ok)
    fail(
      `block ${block.number}: orderer signatures do not satisfy ${BLOCK_VALIDATION_POLICY}${result.rejected.length ? ` (${result.rejected.join('; ')})` : ''}`,
    );
  const detail = `block ${block.number}: signed by ${result.signers
    .filter((s) => config.orgsOf(['Orderer']).includes(s.mspId))
    .map(
      (s) =>
        `${s.mspId} "${s.cert.subject
          .split('\n')
          .find((l) => l.startsWith('CN='))
          ?.slice(3)}"`,
    )
    .join(', ')}`;
  cache.signedBlocks.set(key, detail);
  return detail;
}

/** A checkpoint: its config block links to its header, and the header is signed per BlockValidation of that config. */
export function verifyCheckpoint(cache: VerificationCache, cp: Checkpoint): VerifiedCheckpoint {
  if (cp?.format !== CHECKPOINT_FORMAT)
    fail(`not a checkpoint (format ${JSON.stringify(cp?.format)}, expected ${CHECKPOINT_FORMAT})`);
  // Keyed by the signatures (unique to the block); the rest must be the very same text (compared, not copied).
  const cached = cache.checkpoints.get(cp.signatures);
  if (
    cached &&
    cached.checkpoint.channel === cp.channel &&
    cached.checkpoint.blockNumber === cp.blockNumber &&
    cached.checkpoint.configBlock === cp.configBlock &&
    cached.checkpoint.chain.from === cp.chain.from &&
    cached.checkpoint.chain.headers === cp.chain.headers
  )
    return cached.verified;
  const headers = splitHeaders(Buffer.from(cp.chain.headers, 'base64'));
  const last = headers[headers.length - 1];
  if (!last || String(last.fields.number) !== cp.blockNumber)
    fail(`checkpoint chain does not end at block ${cp.blockNumber}`);
  const config = cache.config(cp.configBlock);
  if (config.channel !== cp.channel) fail(`checkpoint config is for channel ${config.channel}, not ${cp.channel}`);
  verifyChain(cache, cp.chain, last.der, new Map([[config.blockNumber, cache.block(cp.configBlock).headerDer]]));
  const signed = verifyBlockSignatures(cache, config, {
    number: last.fields.number,
    headerDer: last.der,
    metadata: [Buffer.from(cp.signatures, 'base64')],
  });
  const verified: VerifiedCheckpoint = {
    blockNumber: last.fields.number,
    headerDer: last.der,
    headerHash: hex(sha256(last.der)),
    config,
    detail: signed,
  };
  cache.checkpoints.set(cp.signatures, { checkpoint: cp, verified });
  return verified;
}

/**
 * Consistency of two checkpoints: both verify, and the newer one's chain holds the older header unchanged — so
 * no block up to the older checkpoint was rewritten between the two exports.
 */
export function verifyConsistency(cache: VerificationCache, older: Checkpoint, newer: Checkpoint): string[] {
  const a = verifyCheckpoint(cache, older);
  const b = verifyCheckpoint(cache, newer);
  if (older.channel !== newer.channel)
    fail(`checkpoints are of different channels (${older.channel}, ${newer.channel})`);
  if (a.blockNumber > b.blockNumber)
    fail(`the "new" checkpoint (block ${b.blockNumber}) is older than the "old" one (block ${a.blockNumber})`);
  const chainDetail = verifyChain(cache, newer.chain, b.headerDer, new Map([[a.blockNumber, a.headerDer]]));
  return [
    `old checkpoint block ${a.blockNumber} (header ${a.headerHash.slice(0, 16)}…): ${a.detail}`,
    `new checkpoint block ${b.blockNumber} (header ${b.headerHash.slice(0, 16)}…): ${b.detail}`,
    `block ${a.blockNumber}'s header is unchanged in the new checkpoint's chain: ${chainDetail}`,
  ];
}
