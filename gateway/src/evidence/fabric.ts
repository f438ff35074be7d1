/**
 * Fabric's on-ledger structures as the verifier reads them: blocks, headers, transaction envelopes, endorsements and
 * write sets. Pure decoding over @hyperledger/fabric-protos message classes (imported file by file, so that nothing
 * that opens a connection is loaded).
 */
import crypto from 'node:crypto';
import {
  Block,
  BlockHeader,
  ChannelHeader,
  Envelope,
  Metadata,
  OrdererBlockMetadata,
  Payload,
  SignatureHeader,
} from '@hyperledger/fabric-protos/lib/common/common_pb';
import { ChaincodeActionPayload, Transaction } from '@hyperledger/fabric-protos/lib/peer/transaction_pb';
import { ProposalResponsePayload } from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb';
import { ChaincodeAction } from '@hyperledger/fabric-protos/lib/peer/proposal_pb';
import { TxReadWriteSet } from '@hyperledger/fabric-protos/lib/ledger/rwset/rwset_pb';
import { KVRWSet } from '@hyperledger/fabric-protos/lib/ledger/rwset/kvrwset/kv_rwset_pb';
import { SerializedIdentity } from '@hyperledger/fabric-protos/lib/msp/identities_pb';
import { is, readDer, TAG, UNIVERSAL } from '../shared/der';

/** common.BlockMetadataIndex */
export const METADATA = { SIGNATURES: 0, LAST_CONFIG: 1, TRANSACTIONS_FILTER: 2 } as const;
/** common.HeaderType */
export const HEADER_TYPE = { CONFIG: 1, ENDORSER_TRANSACTION: 3 } as const;
/** peer.TxValidationCode 0 */
export const VALID = 0;

const u8 = (v: Uint8Array | string): Buffer =>
  typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
/** SHA-256 of the parts, concatenated. */
export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

// --- ASN.1 DER of the block header, as Fabric's protoutil.BlockHeaderBytes writes it ---------------------------------

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);

function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

/** A block header's fields. */
export interface HeaderFields {
  number: bigint;
  previousHash: Buffer;
  dataHash: Buffer;
}

/**
 * SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }: what the next block's previous_hash
 * hashes.
 */
export function headerDer(h: HeaderFields): Buffer {
  return tlv(0x30, Buffer.concat([derInteger(h.number), tlv(0x04, h.previousHash), tlv(0x04, h.dataHash)]));
}

/** Splits concatenated DER block headers (the bundle's chain) and decodes each. */
export function splitHeaders(concatenated: Buffer): { der: Buffer; fields: HeaderFields }[] {
  const out: { der: Buffer; fields: HeaderFields }[] = [];
  for (let at = 0; at < concatenated.length;) {
    const seq = readDer(concatenated, at);
    // Definite lengths only: a header is hashed as it is written, and Fabric writes DER.
    if (!is(seq, UNIVERSAL, TAG.sequence) || !seq.constructed || seq.end !== seq.contentEnd)
      throw new Error('a chain header is not a DER SEQUENCE');
    const [n, prev, data] = seq.children;
    if (
      seq.children.length !== 3 ||
      !is(n, UNIVERSAL, TAG.integer) ||
      !is(prev, UNIVERSAL, TAG.octetString) ||
      !is(data, UNIVERSAL, TAG.octetString) ||
      [n, prev, data].some((f) => f.constructed)
    )
      throw new Error('a chain header is not (INTEGER, OCTET STRING, OCTET STRING)');
    const numberHex = concatenated.subarray(n.contentStart, n.contentEnd).toString('hex');
    out.push({
      der: concatenated.subarray(at, seq.end),
      fields: {
        number: BigInt(`0x${numberHex || '0'}`),
        previousHash: concatenated.subarray(prev.contentStart, prev.contentEnd),
        dataHash: concatenated.subarray(data.contentStart, data.contentEnd),
      },
    });
    at = seq.end;
  }
  return out;
}

// --- blocks ------------------------------------------------------------------------------------------------------

/** A block as the verifier reads it: header, transactions, metadata and signatures. */
export interface ParsedBlock {
  number: bigint;
  header: HeaderFields;
  headerDer: Buffer;
  data: Buffer[];
  metadata: Buffer[];
}

/** Parses a block's protobuf bytes. */
export function parseBlock(bytes: Uint8Array): ParsedBlock {
  const block = Block.deserializeBinary(bytes);
  const h = block.getHeader();
  if (!h) throw new Error('the block has no header');
  const header: HeaderFields = {
    number: BigInt(h.getNumber()),
    previousHash: u8(h.getPreviousHash()),
    dataHash: u8(h.getDataHash()),
  };
  return {
    number: header.number,
    header,
    headerDer: headerDer(header),
    data: (block.getData()?.getDataList() ?? []).map(u8),
    metadata: (block.getMetadata()?.getMetadataList() ?? []).map(u8),
  };
}

/** Fabric 2.x BlockDataHash: SHA-256 over the concatenated envelope bytes. */
export const blockDataHash = (data: Buffer[]): Buffer => sha256(...data);

/** One orderer signature on a block, with the bytes it signs. */
export interface BlockSignature {
  creator: Buffer;
  signatureHeader: Buffer;
  signature: Buffer;
  signedBytes: Buffer;
}

/** The orderers' signatures (SIGNATURES metadata), each over metadata.value ‖ signature_header ‖ DER header. */
export function blockSignatures(block: ParsedBlock): { signatures: BlockSignature[]; lastConfig: bigint | null } {
  const raw = block.metadata[METADATA.SIGNATURES];
  if (!raw || raw.length === 0) return { signatures: [], lastConfig: null };
  const md = Metadata.deserializeBinary(raw);
  const value = u8(md.getValue());
  let lastConfig: bigint | null;
  try {
    lastConfig = BigInt(OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? 0);
  } catch {
    lastConfig = null;
  }
  const signatures = md.getSignaturesList().map((s) => {
    const signatureHeader = u8(s.getSignatureHeader());
    return {
      creator: u8(SignatureHeader.deserializeBinary(signatureHeader).getCreator()),
      signatureHeader,
      signature: u8(s.getSignature()),
      signedBytes: Buffer.concat([value, signatureHeader, block.headerDer]),
    };
  });
  return { signatures, lastConfig };
}

/** Peer's validation code of each transaction (TRANSACTIONS_FILTER metadata). */
export const transactionsFilter = (block: ParsedBlock): Buffer =>
  block.metadata[METADATA.TRANSACTIONS_FILTER] ?? Buffer.alloc(0);

// --- transactions --------------------------------------------------------------------------------------------

/** A serialized Fabric identity: MSP and certificate. */
export interface Identity {
  mspId: string;
  certPem: string;
  bytes: Buffer;
}

/** Parses a serialized Fabric identity. */
export function parseIdentity(bytes: Uint8Array): Identity {
  const id = SerializedIdentity.deserializeBinary(bytes);
  return { mspId: id.getMspid(), certPem: u8(id.getIdBytes()).toString('utf8'), bytes: u8(bytes) };
}

/** One key a transaction wrote or deleted. */
export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: Buffer;
}
/** A key's metadata a transaction wrote (e.g. its key-level endorsement policy). */
export interface KeyMetadataWrite {
  key: string;
  entries: Map<string, Buffer>;
}
/** A peer's endorsement: who endorsed, and their signature. */
export interface Endorsement {
  endorser: Buffer;
  signature: Buffer;
}

/** A transaction as the verifier reads it: creator, chaincode, arguments, writes, endorsements, response. */
export interface ParsedTransaction {
  type: number;
  txId: string;
  channel: string;
  timestamp: Date;
  creator: Buffer;
  nonce: Buffer;
  payload: Buffer;
  signature: Buffer;
  /** Endorser transactions only: */
  proposalResponsePayload?: Buffer;
  endorsements?: Endorsement[];
  chaincode?: string;
  writes?: Map<string, KeyWrite[]>;
  metadataWrites?: Map<string, KeyMetadataWrite[]>;
}

/** Parses a transaction envelope's protobuf bytes. */
export function parseEnvelope(bytes: Uint8Array): ParsedTransaction {
  const env = Envelope.deserializeBinary(bytes);
  const payloadBytes = u8(env.getPayload());
  const payload = Payload.deserializeBinary(payloadBytes);
  const ch = ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  const sh = SignatureHeader.deserializeBinary(payload.getHeader()!.getSignatureHeader_asU8());
  const ts = ch.getTimestamp();
  const tx: ParsedTransaction = {
    type: ch.getType(),
    txId: ch.getTxId(),
    channel: ch.getChannelId(),
    timestamp: new Date(ts ? ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6) : 0),
    creator: u8(sh.getCreator()),
    nonce: u8(sh.getNonce()),
    payload: payloadBytes,
    signature: u8(env.getSignature()),
  };
  if (tx.type !== HEADER_TYPE.ENDORSER_TRANSACTION) return tx;
  const actions = Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
  if (actions.length !== 1) throw new Error(`transaction ${tx.txId} has ${actions.length} actions; Fabric allows one`);
  const cap = ChaincodeActionPayload.deserializeBinary(actions[0].getPayload_asU8());
  const endorsed = cap.getAction()!;
  tx.proposalResponsePayload = u8(endorsed.getProposalResponsePayload());
  tx.endorsements = endorsed
    .getEndorsementsList()
    .map((e) => ({ endorser: u8(e.getEndorser()), signature: u8(e.getSignature()) }));
  const action = ChaincodeAction.deserializeBinary(
    ProposalResponsePayload.deserializeBinary(tx.proposalResponsePayload).getExtension_asU8(),
  );
  tx.chaincode = action.getChaincodeId()?.getName();
  tx.writes = new Map();
  tx.metadataWrites = new Map();
  for (const ns of TxReadWriteSet.deserializeBinary(action.getResults_asU8()).getNsRwsetList()) {
    const kv = KVRWSet.deserializeBinary(ns.getRwset_asU8());
    tx.writes.set(
      ns.getNamespace(),
      kv.getWritesList().map((w) => ({ key: w.getKey(), isDelete: w.getIsDelete(), value: u8(w.getValue()) })),
    );
    tx.metadataWrites.set(
      ns.getNamespace(),
      kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        entries: new Map(m.getEntriesList().map((e) => [e.getName(), u8(e.getValue())])),
      })),
    );
  }
  return tx;
}

/** Fabric's transaction ID rule: hex SHA-256 of nonce ‖ creator. */
export const expectedTxId = (tx: ParsedTransaction): string => sha256(tx.nonce, tx.creator).toString('hex');

/** A record's ledger key: Fabric composite key `\0kind\0part\0...\0`. */
export const compositeKey = (kind: string, parts: readonly string[]): string =>
  `\u0000${kind}\u0000${parts.map((p) => `${p}\u0000`).join('')}`;

export { BlockHeader };
