import crypto from 'node:crypto';
import { TxValidationCode } from '@hyperledger/fabric-protos/lib/peer/transaction_pb';
import {
  HEADER_TYPE,
  type KeyWrite,
  parseBlock,
  parseEnvelope,
  parseIdentity,
  transactionsFilter,
} from '../evidence/fabric';
import type { IdentityService } from '../identity/identity-service';
import type { Ledger } from '../ledger/ledger';
import { LedgerError } from '../ledger/errors';
import { NotFoundError } from '../platform/errors';
import { certificateAttributes } from '../shared/certificate-attributes';

/** Who signed: the MSP, the certificate's subject name, its role and who holds its key (the custody attribute). */
export interface Signer {
  mspId: string;
  subject: string;
  role: string | null;
  custody: string | null;
}

const VALIDATION_NAMES = new Map(Object.entries(TxValidationCode).map(([name, code]) => [code as number, name]));
const HEADER_NAMES: Record<number, string> = {
  [HEADER_TYPE.CONFIG]: 'CONFIG',
  [HEADER_TYPE.ENDORSER_TRANSACTION]: 'ENDORSER_TRANSACTION',
};

/** A serialized identity as people read it. */
function signerOf(serialized: Uint8Array): Signer {
  const { mspId, certPem } = parseIdentity(serialized);
  try {
    const cert = new crypto.X509Certificate(certPem);
    const attributes = certificateAttributes(cert.raw);
    const subject = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? cert.subject;
    return { mspId, subject, role: attributes.role ?? null, custody: attributes.custody ?? null };
  } catch {
    return { mspId, subject: '(unreadable certificate)', role: null, custody: null };
  }
}

/** A key as people read it: composite keys' separators (U+0000) shown as '/'. */
const readableKey = (key: string) =>
  key
    .split(String.fromCharCode(0))
    .filter((part) => part !== '')
    .join('/');

/** A written value: its JSON when it is JSON, else its size. */
function readableValue(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return { bytes: value.length };
  }
}

/**
 * The ledger as Hyperledger Explorer shows it, for auditors: a block (its hashes and transactions) and a transaction
 * (creator, endorsers, validation code, what it wrote), read from a peer with qscc and decoded by the evidence
 * module's parsers (the same bytes the offline verifier checks).
 */
export class LedgerExplorer {
  constructor(
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
  ) {}

  private async qscc(userId: string, fn: 'GetBlockByNumber' | 'GetBlockByTxID', arg: string): Promise<Buffer> {
    const signer = await this.identities.reader(userId);
    const contract = this.ledger.gateway(signer).getNetwork(this.ledger.channel).getContract('qscc');
    try {
      return Buffer.from(await contract.evaluate(fn, { arguments: [this.ledger.channel, arg] }));
    } catch (err) {
      // qscc answers an unknown block or transaction with an error, not an empty result.
      if (
        err instanceof LedgerError ||
        /not found|no such|entry not found|index out of range/i.test(String((err as Error).message))
      )
        throw new NotFoundError(
          fn === 'GetBlockByTxID' ? `transaction ${arg} is not on the ledger` : `block ${arg} is not on the ledger`,
        );
      throw err;
    }
  }

  /** A block: number, hashes, and each transaction with its creator and validation code. */
  async block(userId: string, number: bigint) {
    const block = parseBlock(await this.qscc(userId, 'GetBlockByNumber', String(number)));
    const codes = transactionsFilter(block);
    return {
      number: String(block.number),
      dataHash: block.header.dataHash.toString('hex'),
      previousHash: block.header.previousHash.toString('hex'),
      transactions: block.data.map((envelope, i) => {
        const tx = parseEnvelope(envelope);
        return {
          transactionId: tx.txId,
          type: HEADER_NAMES[tx.type] ?? String(tx.type),
          timestamp: tx.timestamp.toISOString(),
          creator: signerOf(tx.creator),
          validationCode: VALIDATION_NAMES.get(codes[i]) ?? String(codes[i]),
        };
      }),
    };
  }

  /** A transaction: its block, creator, endorsers, validation code and the keys it wrote with their values. */
  async transaction(userId: string, txId: string) {
    const block = parseBlock(await this.qscc(userId, 'GetBlockByTxID', txId));
    const index = block.data.findIndex((envelope) => parseEnvelope(envelope).txId === txId);
    if (index < 0) throw new NotFoundError(`transaction ${txId} is not in the block the peer named`);
    const tx = parseEnvelope(block.data[index]);
    const code = transactionsFilter(block)[index];
    const writes = [...(tx.writes ?? new Map<string, KeyWrite[]>()).entries()].flatMap(([namespace, list]) =>
      list
        .filter(() => namespace !== '_lifecycle')
        .map((w) => ({
          namespace,
          key: readableKey(w.key),
          deleted: w.isDelete,
          value: w.isDelete ? null : readableValue(w.value),
        })),
    );
    return {
      transactionId: tx.txId,
      blockNumber: String(block.number),
      blockDataHash: block.header.dataHash.toString('hex'),
      type: HEADER_NAMES[tx.type] ?? String(tx.type),
      timestamp: tx.timestamp.toISOString(),
      chaincode: tx.chaincode ?? null,
      creator: signerOf(tx.creator),
      endorsers: (tx.endorsements ?? []).map((e) => signerOf(e.endorser)),
      validationCode: VALIDATION_NAMES.get(code) ?? String(code),
      writes,
    };
  }
}
