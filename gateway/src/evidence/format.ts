/**
 * Evidence bundle and checkpoint files, format version 1. JSON; every Fabric structure is carried as the exact
 * bytes the ledger holds (base64 of the protobuf or DER), so that a verifier recomputes every hash and checks every
 * signature itself. See README "Evidence bundles" for a field-by-field description.
 */

export const BUNDLE_FORMAT = 'luohu-evidence-bundle/1';
export const CHECKPOINT_FORMAT = 'luohu-evidence-checkpoint/1';

/** The policy a chaincode write is checked against unless the key carries its own (the definition's default). */
export const CHAINCODE_ENDORSEMENT_POLICY = '/Channel/Application/Endorsement';
/** The orderer's block signature rule. */
export const BLOCK_VALIDATION_POLICY = '/Channel/Orderer/BlockValidation';

/** A contiguous run of block headers, each the ASN.1 DER that Fabric hashes into the next block's previous_hash. */
export interface HeaderChain {
  /** Number of the first header. */
  from: string;
  /** base64 of the DER headers concatenated (DER is self-delimiting). */
  headers: string;
}

/** A block header with its orderer signatures: the point an auditor holds and links evidence to. */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  channel: string;
  blockNumber: string;
  createdAt: string;
  /** base64 of the checkpoint block's SIGNATURES metadata (common.Metadata). */
  signatures: string;
  /**
   * The config block in force at the checkpoint (common.Block, base64): the orderer roots that check the signatures.
   */
  configBlock: string;
  /** Headers from the config block (or an earlier checkpoint's block) up to and including the checkpoint block. */
  chain: HeaderChain;
}

/** One ledger record: its key and the exact value bytes written by transaction `txId`. */
export interface RecordEvidence {
  /** Record kind (the composite key's object type), e.g. "payout". */
  recordType: string;
  key: string[];
  /** base64 of the ledger value (the chaincode's canonical JSON). */
  value: string;
  txId: string;
  /** Why this record is in the bundle: the subject, or what the subject's validity rests on. */
  role: 'subject' | 'key-endorsement-policy' | 'milestone-acceptance';
}

/** Where a transaction sits: its ID, block and index in the block. */
export interface BundleTransaction {
  txId: string;
  blockNumber: string;
  txIndex: number;
}

/** An item of an anchored batch with its inclusion proof up to the anchored Merkle root. */
export interface BatchItemEvidence {
  batchId: string;
  /** The item's SHA-256 (hex): what was hashed into the leaf. */
  itemSha256: string;
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 audit path, bottom-up, hex. */
  auditPath: string[];
}

/** A file the bundle carries (base64) with its SHA-256. */
export interface FileEvidence {
  sha256: string;
  contentType: string;
  filename: string | null;
  content: string;
}

/** An evidence bundle: everything an offline verifier needs to check a record against the ledger. */
export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  channel: string;
  chaincode: string;
  exportedAt: string;
  records: RecordEvidence[];
  /** Where each record's transaction sits: block number and index in the block's data. */
  transactions: BundleTransaction[];
  /** base64 common.Block of every block holding a transaction above (with all its envelopes and metadata). */
  blocks: string[];
  /**
   * base64 common.Block: the config block the transactions' blocks point at (last config) — absent when it is the
   * checkpoint's config block (the usual case: no config update in between).
   */
  configBlock?: string;
  /**
   * Headers from the lowest block above (config or transaction) to the checkpoint block, inclusive — only when the
   * checkpoint's own chain (which starts at its config block) does not reach back that far.
   */
  chain?: HeaderChain;
  checkpoint: Checkpoint;
  file?: FileEvidence;
  batchItem?: BatchItemEvidence;
}
