/**
 * The offline verifier of an evidence bundle: six steps, each a claim an auditor can check with nothing but the
 * bundle and the checkpoint they hold. It trusts no server: every hash is recomputed and every signature checked
 * against the roots in the channel's config block, which is itself hash-linked to an orderer-signed checkpoint.
 */
import crypto from 'node:crypto';
import { CUSTODY_ATTRIBUTE } from '@luohu/domain';
import { certificateAttributes } from '../shared/certificate-attributes';
import {
  ChannelConfig,
  describeSignaturePolicy,
  satisfies,
  SignaturePolicyEnvelope,
  ValidIdentity,
  verifySignature,
} from './channel-config';
import {
  CachedBlock,
  VerificationCache,
  VerificationError,
  verifyBlockSignatures,
  verifyChain,
  verifyCheckpoint,
} from './chain';
import {
  blockDataHash,
  blockSignatures,
  compositeKey,
  expectedTxId,
  HEADER_TYPE,
  ParsedBlock,
  ParsedTransaction,
  sha256,
  transactionsFilter,
  VALID,
} from './fabric';
import { BUNDLE_FORMAT, CHAINCODE_ENDORSEMENT_POLICY, Checkpoint, EvidenceBundle, RecordEvidence } from './format';
import { rootFromInclusionProof } from './merkle';

export const STEPS = {
  a: 'record (and file or batch item) equals what the transaction wrote',
  b: "endorsements signed by peers of the channel's organisations",
  c: 'endorsements satisfy the policy that applied',
  d: 'transaction is in its block, signed by its creator, and VALID',
  e: 'blocks signed by the ordering service',
  f: 'headers link by previous_hash to the checkpoint',
} as const;
/** The verifier's steps, by ID. */
export type StepId = keyof typeof STEPS;

/** A verifier step's outcome, with what it checked. */
export interface StepResult {
  step: StepId;
  title: string;
  status: 'passed' | 'failed' | 'not reached';
  details: string[];
}
/**
 * `unverified`: what the bundle says that no step could check (not on the ledger): shown as such, never as verified.
 */
export interface Report {
  ok: boolean;
  failedStep: StepId | null;
  steps: StepResult[];
  anchor: string | null;
  unverified: string[];
}

const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';
const fail = (message: string): never => {
  throw new VerificationError(message);
};
const shortId = (txId: string) => `${txId.slice(0, 12)}…`;
/** Who held the creator's signing key, as its certificate's `custody` attribute says (the CA, not the exporter, wrote it). */
const keyHolder = (id: ValidIdentity): string => {
  const custody = certificateAttributes(id.cert.raw)[CUSTODY_ATTRIBUTE];
  if (custody === 'own') return 'key held by its holder: custody=own';
  if (custody === 'gateway') return 'key held by the gateway: custody=gateway';
  return 'key holder not stated in the certificate';
};
const cn = (id: ValidIdentity) =>
  id.cert.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3) ?? '?';

interface Located {
  tx: ParsedTransaction;
  block: ParsedBlock;
  index: number;
  envelope: Buffer;
}
interface Context {
  bundle: EvidenceBundle;
  config: ChannelConfig;
  configHeader: Buffer;
  blocks: Map<string, CachedBlock>;
  txs: Map<string, Located>;
  subject: RecordEvidence;
  subjectValue: Record<string, unknown>;
  endorsers: Map<string, ValidIdentity[]>;
}

/** Orders transactions as the ledger does: by block, then index in the block. */
const before = (a: Located, b: Located) =>
  a.block.number < b.block.number || (a.block.number === b.block.number && a.index < b.index);

/** The file's name and content type are not on the ledger (the document record carries its hash only). */
function unverifiedClaims(bundle: EvidenceBundle): string[] {
  if (!bundle?.file) return [];
  return [
    `file.filename ${JSON.stringify(bundle.file.filename)}: unverified (not on the ledger)`,
    `file.contentType ${JSON.stringify(bundle.file.contentType)}: unverified (not on the ledger)`,
  ];
}

/** Verifies an evidence bundle offline, step by step, trusting only the checkpoint it is given. */
export class EvidenceVerifier {
  constructor(readonly cache = new VerificationCache()) {}

  verify(bundle: EvidenceBundle, trusted?: Checkpoint): Report {
    const steps: StepResult[] = (Object.keys(STEPS) as StepId[]).map((step) => ({
      step,
      title: STEPS[step],
      status: 'not reached',
      details: [],
    }));
    let ctx: Context | undefined;
    let anchor: string | null = null;
    const run: Record<StepId, (s: StepResult) => void> = {
      a: (s) => {
        ctx = this.prepare(bundle);
        s.details.push(...this.records(ctx));
      },
      b: (s) => s.details.push(...this.endorsements(ctx!)),
      c: (s) => s.details.push(...this.policies(ctx!)),
      d: (s) => s.details.push(...this.inBlock(ctx!)),
      e: (s) => s.details.push(...this.blockSignatures(ctx!)),
      f: (s) => {
        const r = this.chain(ctx!, trusted);
        anchor = r.anchor;
        s.details.push(...r.details);
      },
    };
    for (const s of steps) {
      try {
        run[s.step](s);
        s.status = 'passed';
      } catch (err) {
        s.status = 'failed';
        s.details.push(
          err instanceof VerificationError ? err.message : `malformed evidence: ${(err as Error).message}`,
        );
        return { ok: false, failedStep: s.step, steps, anchor, unverified: unverifiedClaims(bundle) };
      }
    }
    return { ok: true, failedStep: null, steps, anchor, unverified: unverifiedClaims(bundle) };
  }

  private prepare(bundle: EvidenceBundle): Context {
    if (bundle?.format !== BUNDLE_FORMAT)
      fail(`not an evidence bundle (format ${JSON.stringify(bundle?.format)}, expected ${BUNDLE_FORMAT})`);
    const config = this.cache.config(configOf(bundle));
    const configHeader = this.cache.block(configOf(bundle)).headerDer;
    if (config.channel !== bundle.channel)
      fail(`the config block is of channel ${config.channel}, the bundle claims ${bundle.channel}`);
    const blocks = new Map<string, CachedBlock>();
    for (const b of bundle.blocks) {
      const block = this.cache.block(b);
      blocks.set(String(block.number), block);
    }
    const txs = new Map<string, Located>();
    for (const t of bundle.transactions) {
      const block =
        blocks.get(t.blockNumber) ??
        fail(`block ${t.blockNumber} of transaction ${shortId(t.txId)} is not in the bundle`);
      const envelope = block.data[t.txIndex] ?? fail(`block ${t.blockNumber} has no transaction at index ${t.txIndex}`);
      const tx = this.cache.transaction(block, t.txIndex)!;
      if (tx.txId !== t.txId)
        fail(`block ${t.blockNumber} index ${t.txIndex} holds transaction ${shortId(tx.txId)}, not ${shortId(t.txId)}`);
      if (tx.type !== HEADER_TYPE.ENDORSER_TRANSACTION)
        fail(`transaction ${shortId(t.txId)} is not an endorser transaction`);
      txs.set(t.txId, { tx, block, index: t.txIndex, envelope });
    }
    const subjects = bundle.records.filter((r) => r.role === 'subject');
    if (subjects.length !== 1) fail(`a bundle has exactly one subject record, this one has ${subjects.length}`);
    const subject = subjects[0];
    return { bundle, config, configHeader, blocks, txs, subject, subjectValue: {}, endorsers: new Map() };
  }

  /**
   * (a) Each record's bytes are the value its transaction wrote under its key; the file and batch item hash to the
   * anchored values.
   */
  private records(ctx: Context): string[] {
    const { bundle, subject } = ctx;
    // The namespace the records are read from: shown, as an auditor expects a given chaincode on a given channel.
    const out: string[] = [
      `channel ${bundle.channel} (config block ${ctx.config.blockNumber}), chaincode ${bundle.chaincode}`,
    ];
    for (const r of bundle.records) {
      const at =
        ctx.txs.get(r.txId) ??
        fail(`transaction ${shortId(r.txId)} of ${r.recordType} ${r.key.join('/')} is not in the bundle`);
      if (at.tx.channel !== bundle.channel || at.tx.chaincode !== bundle.chaincode)
        fail(
          `transaction ${shortId(r.txId)} is of ${at.tx.channel}/${at.tx.chaincode}, not ${bundle.channel}/${bundle.chaincode}`,
        );
      const key = compositeKey(r.recordType, r.key);
      const write =
        (at.tx.writes?.get(bundle.chaincode) ?? []).find((w) => w.key === key) ??
        fail(`transaction ${shortId(r.txId)} wrote no ${r.recordType} ${r.key.join('/')}`);
      if (write.isDelete) fail(`transaction ${shortId(r.txId)} deleted ${r.recordType} ${r.key.join('/')}`);
      const value = Buffer.from(r.value, 'base64');
      if (!value.equals(write.value))
        fail(
          `${r.recordType} ${r.key.join('/')}: the record's bytes differ from the value transaction ${shortId(r.txId)} wrote (sha256 ${sha256(value).toString('hex').slice(0, 16)}… vs ${sha256(write.value).toString('hex').slice(0, 16)}…)`,
        );
      out.push(
        `${r.role}: ${r.recordType} ${r.key.join('/')} = the ${value.length}-byte value written by transaction ${shortId(r.txId)} (block ${at.block.number})`,
      );
    }
    try {
      ctx.subjectValue = JSON.parse(Buffer.from(subject.value, 'base64').toString('utf8'));
    } catch {
      fail('the subject record is not JSON');
    }
    const subjectValue = ctx.subjectValue;
    if (subject.recordType === 'payout') out.push(this.milestoneAccepted(ctx));
    if (bundle.file) {
      const content = Buffer.from(bundle.file.content, 'base64');
      const digest = crypto.createHash('sha256').update(content).digest('hex');
      const anchored = String(subjectValue.sha256 ?? '');
      if (digest !== anchored) fail(`the file: SHA-256 ${digest} differs from the anchored ${anchored || '(none)'}`);
      if (bundle.file.sha256 !== digest)
        fail(`the file: file.sha256 ${String(bundle.file.sha256)} is not the SHA-256 of its content (${digest})`);
      // The name and content type are the exporter's word, not the ledger's: they are reported as unverified, not here.
      out.push(`the file (${content.length} bytes): SHA-256 ${digest} = file.sha256 = the document record's sha256`);
    } else if (subject.recordType === 'document') {
      out.push(`no file in the bundle: the record anchors SHA-256 ${String(subjectValue.sha256)}`);
    }
    if (bundle.batchItem) {
      const item = bundle.batchItem;
      if (subject.recordType !== 'batchAnchor' || subjectValue.batchId !== item.batchId)
        fail(`batch item of ${item.batchId} needs that batch's anchor as the subject`);
      if (item.treeSize !== subjectValue.itemCount)
        fail(
          `batch ${item.batchId}: the proof is for a tree of ${item.treeSize} items, the anchor says ${String(subjectValue.itemCount)}`,
        );
      const root = rootFromInclusionProof(
        Buffer.from(item.itemSha256, 'hex'),
        item.leafIndex,
        item.treeSize,
        item.auditPath.map((h) => Buffer.from(h, 'hex')),
      );
      if (!root || root.toString('hex') !== subjectValue.merkleRoot)
        fail(
          `batch ${item.batchId}: item ${item.itemSha256} at leaf ${item.leafIndex} does not hash to the anchored Merkle root ${String(subjectValue.merkleRoot)}`,
        );
      out.push(
        `batch item ${item.itemSha256} is leaf ${item.leafIndex} of ${item.treeSize}: its ${item.auditPath.length}-hash audit path gives the anchored root ${String(subjectValue.merkleRoot)}`,
      );
    }
    return out;
  }

  private milestoneAccepted(ctx: Context): string {
    const payout = ctx.subjectValue;
    const m =
      ctx.bundle.records.find((r) => r.role === 'milestone-acceptance') ??
      fail(`payout ${String(payout.id)}: the bundle lacks its milestone's acceptance`);
    const milestone = JSON.parse(Buffer.from(m.value, 'base64').toString('utf8'));
    if (
      m.recordType !== 'milestone' ||
      m.key.join('/') !== `${String(payout.contractId)}/${String(payout.milestoneId)}` ||
      (milestone.status !== 'accepted' && milestone.status !== 'paid')
    ) {
      fail(`payout ${String(payout.id)}: milestone ${m.key.join('/')} is not the payout's accepted milestone`);
    }
    return `payout ${String(payout.id)} pays milestone ${m.key.join('/')}, accepted in transaction ${shortId(m.txId)}`;
  }

  /** (b) Every endorsement: a valid peer identity of a channel application organisation, signing prp ‖ endorser. */
  private endorsements(ctx: Context): string[] {
    const config = ctx.config;
    const bureaus = config.orgsOf(['Application']);
    const out: string[] = [];
    for (const [txId, { tx }] of ctx.txs) {
      const checks = this.cache.checked(tx, config);
      if (checks.endorsers) {
        ctx.endorsers.set(txId, checks.endorsers);
        out.push(
          `transaction ${shortId(txId)}: ${checks.endorsers.map((s) => `${s.mspId} peer "${cn(s)}"`).join(', ')} (verified earlier)`,
        );
        continue;
      }
      const signers: ValidIdentity[] = [];
      for (const e of tx.endorsements ?? []) {
        const id = config.identity(e.endorser);
        if (typeof id === 'string')
          fail(`transaction ${shortId(txId)}: an endorser is not a member of the channel: ${id}`);
        const v = id as ValidIdentity;
        if (!bureaus.includes(v.mspId))
          fail(
            `transaction ${shortId(txId)}: endorser of ${v.mspId} is not an application organisation of the channel`,
          );
        if (!v.roles.has('peer') && v.roles.size > 0)
          fail(
            `transaction ${shortId(txId)}: ${v.mspId} endorser "${cn(v)}" is not a peer (NodeOU ${[...v.roles].join(',')})`,
          );
        if (!verifySignature(v.publicKey, Buffer.concat([tx.proposalResponsePayload!, e.endorser]), e.signature))
          fail(
            `transaction ${shortId(txId)}: ${v.mspId} endorsement signature does not verify over the proposal response`,
          );
        if (tx.timestamp < new Date(v.cert.validFrom) || tx.timestamp > new Date(v.cert.validTo))
          fail(
            `transaction ${shortId(txId)}: ${v.mspId} endorser certificate was not valid at ${tx.timestamp.toISOString()}`,
          );
        signers.push(v);
      }
      if (signers.length === 0) fail(`transaction ${shortId(txId)} has no endorsement`);
      checks.endorsers = signers;
      ctx.endorsers.set(txId, signers);
      out.push(`transaction ${shortId(txId)}: ${signers.map((s) => `${s.mspId} peer "${cn(s)}"`).join(', ')}`);
    }
    return out;
  }

  /** The key-level policy in force on `key` for transaction `at`: the latest VALIDATION_PARAMETER written before it. */
  private keyPolicy(
    ctx: Context,
    key: string,
    at: Located,
  ): { envelope: SignaturePolicyEnvelope; setBy: string } | null {
    let found: { envelope: SignaturePolicyEnvelope; setBy: string; loc: Located } | null = null;
    for (const [txId, loc] of ctx.txs) {
      if (!before(loc, at)) continue;
      const w = (loc.tx.metadataWrites?.get(ctx.bundle.chaincode) ?? []).find(
        (m) => m.key === key && m.entries.has(VALIDATION_PARAMETER),
      );
      if (w && (!found || before(found.loc, loc)))
        found = {
          envelope: SignaturePolicyEnvelope.deserializeBinary(w.entries.get(VALIDATION_PARAMETER)!),
          setBy: txId,
          loc,
        };
    }
    return found;
  }

  /**
   * (c) For each record's transaction: its key's state-based policy if one was set, else the chaincode's (channel
   * default).
   */
  private policies(ctx: Context): string[] {
    const config = ctx.config;
    const out: string[] = [];
    for (const r of ctx.bundle.records) {
      const at = ctx.txs.get(r.txId)!;
      const signers = ctx.endorsers.get(r.txId)!;
      const key = compositeKey(r.recordType, r.key);
      const keyLevel = this.keyPolicy(ctx, key, at);
      const who = signers.map((s) => s.mspId).join(' + ');
      if (keyLevel) {
        const rule = describeSignaturePolicy(keyLevel.envelope);
        if (!satisfies(keyLevel.envelope, signers))
          fail(
            `${r.recordType} ${r.key.join('/')}: endorsed by ${who}, but its key-level policy ${rule} (set by ${shortId(keyLevel.setBy)}) is not satisfied`,
          );
        out.push(
          `${r.recordType} ${r.key.join('/')}: key-level policy ${rule} (set by transaction ${shortId(keyLevel.setBy)}) satisfied by ${who}`,
        );
      } else {
        if (r.recordType === 'payout' && ctx.subjectValue.status !== 'requested' && r.role === 'subject')
          fail(`payout ${r.key.join('/')}: the bundle lacks the transaction that set its key-level endorsement policy`);
        if (!config.policySatisfied(CHAINCODE_ENDORSEMENT_POLICY, signers))
          fail(
            `${r.recordType} ${r.key.join('/')}: endorsed by ${who}, which does not satisfy the chaincode's ${CHAINCODE_ENDORSEMENT_POLICY} (MAJORITY of the bureaus)`,
          );
        out.push(
          `${r.recordType} ${r.key.join('/')}: chaincode policy ${CHAINCODE_ENDORSEMENT_POLICY} satisfied by ${who}`,
        );
      }
    }
    return out;
  }

  /**
   * (d) Data hash over the block's envelopes; the envelope signed by its creator (a channel member); txId rule; VALID
   * flag.
   */
  private inBlock(ctx: Context): string[] {
    const config = ctx.config;
    const out: string[] = [];
    for (const block of ctx.blocks.values()) {
      block.dataHashMatches ??= blockDataHash(block.data).equals(block.header.dataHash);
      if (!block.dataHashMatches)
        fail(
          `block ${block.number}: data hash ${block.header.dataHash.toString('hex').slice(0, 16)}… does not match the SHA-256 of its ${block.data.length} transactions`,
        );
    }
    for (const [txId, { tx, block, index }] of ctx.txs) {
      const checks = this.cache.checked(tx, config);
      const creator = checks.creator ?? config.identity(tx.creator);
      if (!checks.creator) {
        if (expectedTxId(tx) !== txId) fail(`transaction ${shortId(txId)}: ID is not SHA-256(nonce ‖ creator)`);
        if (typeof creator === 'string')
          fail(`transaction ${shortId(txId)}: creator is not a channel member: ${creator}`);
        if (!verifySignature((creator as ValidIdentity).publicKey, tx.payload, tx.signature))
          fail(`transaction ${shortId(txId)}: the creator's signature over the envelope does not verify`);
        checks.creator = creator as ValidIdentity;
      }
      const code = transactionsFilter(block)[index];
      if (code !== VALID)
        fail(
          `transaction ${shortId(txId)} is marked ${code === undefined ? 'with no validation code' : `invalid (code ${code})`} in block ${block.number}`,
        );
      out.push(
        `transaction ${shortId(txId)}: index ${index} of block ${block.number} (data hash matches), created by ${(creator as ValidIdentity).mspId} "${cn(creator as ValidIdentity)}" (${keyHolder(creator as ValidIdentity)}), VALID`,
      );
    }
    return out;
  }

  /**
   * (e) Each block holding a transaction, signed per /Channel/Orderer/BlockValidation; its last-config is the bundle's
   * config block.
   */
  private blockSignatures(ctx: Context): string[] {
    const config = ctx.config;
    return [...ctx.blocks.values()].map((block) => {
      const signed = verifyBlockSignatures(this.cache, config, block);
      // The last-config index sits in the signed metadata value: the orderers vouch for which config applied.
      block.signed ??= blockSignatures(block);
      const { lastConfig } = block.signed;
      if (lastConfig !== config.blockNumber)
        fail(
          `block ${block.number} names config block ${lastConfig}, the bundle carries config block ${config.blockNumber}`,
        );
      return `${signed}; its config is block ${lastConfig}`;
    });
  }

  /**
   * (f) The config block and every transaction's block link by hash to the bundle's checkpoint, and that to the
   * auditor's.
   */
  private chain(ctx: Context, trusted?: Checkpoint): { anchor: string; details: string[] } {
    const { bundle } = ctx;
    const cp = verifyCheckpoint(this.cache, bundle.checkpoint);
    const config = ctx.config;
    const needed = new Map<bigint, Buffer>([[config.blockNumber, ctx.configHeader]]);
    for (const block of ctx.blocks.values()) needed.set(block.number, block.headerDer);
    const chain = bundle.chain ?? bundle.checkpoint.chain;
    const details = [
      verifyChain(this.cache, chain, cp.headerDer, needed),
      `the bundle's checkpoint (header ${cp.headerHash.slice(0, 16)}…): ${cp.detail}`,
    ];
    if (!trusted)
      return {
        anchor: `the bundle's own checkpoint, block ${cp.blockNumber}, header SHA-256 ${cp.headerHash}`,
        details: [...details, 'no --checkpoint given: anchored only to the checkpoint inside the bundle'],
      };
    const held = verifyCheckpoint(this.cache, trusted);
    if (held.blockNumber <= cp.blockNumber)
      verifyChain(this.cache, chain, cp.headerDer, new Map([[held.blockNumber, held.headerDer]]));
    else verifyChain(this.cache, trusted.chain, held.headerDer, new Map([[cp.blockNumber, cp.headerDer]]));
    details.push(
      `the checkpoint you hold (block ${held.blockNumber}, header ${held.headerHash.slice(0, 16)}…) is on the same chain`,
    );
    return { anchor: `your checkpoint, block ${held.blockNumber}, header SHA-256 ${held.headerHash}`, details };
  }
}

/** The bundle's config block: its own, or (when absent) the checkpoint's. */
const configOf = (bundle: EvidenceBundle): string => bundle.configBlock ?? bundle.checkpoint?.configBlock;
