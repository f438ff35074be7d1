import crypto from 'node:crypto';
import { Gateway, Status, StatusCode, Transaction, GatewayError, CommitError } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import type { ConnectionDescription } from '../config';
import type { Logger } from '../platform/logger';
import { chaincodeMessage, fromGatewayError, isRetryable, OutcomeUnknown, TransactionInvalid } from './errors';
import { type ClientIdentity, type LedgerTimeouts, PeerConnections, type SigningUser } from './connections';
import { furthestAlong, refusalToRecheck, type HeightOf } from './lagging-peers';
import { creatorOf } from './creator';
import { signerFor } from './signer';

export type { ClientIdentity, LedgerTimeouts, SigningUser } from './connections';

/** Who holds users' signing keys (identity/'s IdentityService): what acting on the ledger as a user needs. */
export interface Signers {
  signer(username: string): Promise<SigningUser>;
  /** The identity a user's ledger reads are signed with (their bureau's read-only one when they hold their own key). */
  reader(username: string): Promise<SigningUser>;
}

/**
 * The identity the chaincode sees for a certificate (`ctx.clientIdentity.getID()`): `x509::<subject>::<issuer>`, each
 * distinguished name as "/"-joined attributes in certificate order, as fabric-shim writes it.
 */
export function fabricIdOf(certificatePem: string): string {
  const cert = new crypto.X509Certificate(certificatePem);
  const dn = (name: string) => `/${name.split('\n').join('/')}`;
  return `x509::${dn(cert.subject)}::${dn(cert.issuer)}`;
}

/** What every response to a change carries. */
export interface Receipt {
  transactionId: string;
  blockNumber: string;
  validationCode: 'VALID';
}

/** How a transaction is submitted: which organisations endorse it, and a hook that keeps each signed attempt. */
export interface SubmitOptions {
  endorsingOrganizations?: string[];
  /** Called with each attempt's transaction ID and signed bytes before it is sent, so that it can be resumed. */
  onSigned?: (transactionId: string, bytes: Uint8Array) => Promise<void>;
}

const DEFAULT_TIMEOUTS: LedgerTimeouts = { endorseMs: 15_000, submitMs: 15_000, commitStatusMs: 30_000 };

const MAX_ATTEMPTS = 4;
const validationCodeName = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [code as number, name]),
);
/** A validation code's name (MVCC_READ_CONFLICT, …) from its number. */
export const codeName = (code: number) => validationCodeName.get(code) ?? String(code);
const utf8 = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The gateway's only door to the ledger: connections through whichever peer serves now (connections.ts), and the
 * retry rules — MVCC conflicts get a new transaction, timeouts resend the same one, chaincode refusals are never
 * retried (a refusal from a peer behind is endorsed once more, lagging-peers.ts).
 */
export class Ledger {
  /** Which peer serves whom, and the hedging and failover of calls (connections.ts). */
  readonly connections: PeerConnections;
  /** Reads commit statuses of transactions the gateway cannot sign for (any channel reader may ask for any ID). */
  private statusReader?: () => Promise<SigningUser>;

  constructor(
    private readonly description: ConnectionDescription,
    private readonly logger: Logger,
    timeouts: LedgerTimeouts = DEFAULT_TIMEOUTS,
  ) {
    this.connections = new PeerConnections(description, logger, timeouts);
  }

  /** The identity commit statuses, heights and the peers' probes are read as (any channel member may ask). */
  useStatusReader(reader: () => Promise<SigningUser>): void {
    this.statusReader = reader;
    this.connections.useProber(reader);
  }

  get channel(): string {
    return this.description.channel;
  }
  get chaincode(): string {
    return this.description.chaincode;
  }

  /** A connection as the user, through the peer that serves their bureau now (connections.ts). */
  gateway(user: SigningUser | ClientIdentity): Gateway {
    return this.connections.gateway(user);
  }

  /**
   * A query, on the serving peer — or, `latest`, on a bureau's peer at the highest height any peer reports, for a read a
   * write's decision rests on: the serving peer may not yet have committed a write acknowledged a moment before, and
   * an answer from its older state ("requested" for a payout just approved) would be a wrong definite answer. A refusal
   * ("not found") is asked once more once the refusing peer has caught up (lagging-peers.ts).
   */
  async evaluate(
    user: SigningUser,
    namespace: string,
    fn: string,
    args: string[],
    options: { latest?: boolean } = {},
  ): Promise<string> {
    const endorsingOrganizations = options.latest ? await this.mostAdvanced(user) : undefined;
    let rechecked = false;
    const query = (gateway: Gateway) =>
      gateway
        .getNetwork(this.channel)
        .getContract(this.chaincode, namespace)
        .evaluate(fn, { arguments: args, endorsingOrganizations });
    for (let attempt = 1; ; attempt++) {
      const answer = await this.connections.hedgeAs('evaluate', user, query);
      if (answer.ok) return utf8.decode(answer.value);
      const err = answer.error;
      if (this.connections.noteFailure(answer.gateway, err) && attempt < 2) continue;
      if (!rechecked && (await this.refusalToRecheck(err, user))) {
        rechecked = true;
        continue;
      }
      throw err instanceof GatewayError ? fromGatewayError(err) : err;
    }
  }

  /** The bureau whose peer is furthest along, to evaluate on (lagging-peers.ts). */
  private async mostAdvanced(user: SigningUser): Promise<string[] | undefined> {
    const heightOf = await this.heightReader(user);
    const bureau = heightOf && (await furthestAlong(this.connections.bureaus, heightOf, user.mspId));
    return bureau ? [bureau] : undefined;
  }

  /**
   * Each bureau peer's height, read as the status reader (any channel member may ask), else as `user`; undefined with
   * neither.
   */
  private async heightReader(user?: SigningUser): Promise<HeightOf | undefined> {
    const reader = (await this.statusReader?.()) ?? user;
    if (!reader) return undefined;
    return (mspId) => this.channelHeight(reader, mspId, 1_000);
  }

  /** The channel's ledger height as one bureau's peer reports it (qscc GetChainInfo, evaluated on that org's peers). */
  async channelHeight(user: SigningUser, mspId: string, deadlineMs = 5_000): Promise<number> {
    return this.connections.height(this.gateway(user), mspId, deadlineMs);
  }

  /**
   * Whether a chaincode refusal is endorsed once more before it is answered, once the refusing peers have caught up with
   * the channel (lagging-peers.ts). Heights are read as the status reader (else as `user`).
   */
  async refusalToRecheck(err: unknown, user?: SigningUser): Promise<boolean> {
    // Checked here too so that other failures do not look up the status reader.
    if (!(err instanceof GatewayError) || chaincodeMessage(err) === undefined) return false;
    const heightOf = await this.heightReader(user);
    return heightOf !== undefined && refusalToRecheck(err, this.connections.bureaus, heightOf);
  }

  /** Endorse, submit and wait for the commit; returns the chaincode's result with the receipt. */
  async submit(
    user: SigningUser,
    namespace: string,
    fn: string,
    args: string[],
    options: SubmitOptions = {},
  ): Promise<{ result: string; receipt: Receipt }> {
    let rechecked = false;
    // Planned when it is sent: a hedge through another peer leaves out the silent peer's bureau.
    const endorse = (gateway: Gateway) =>
      gateway
        .getNetwork(this.channel)
        .getContract(this.chaincode, namespace)
        .newProposal(fn, {
          arguments: args,
          endorsingOrganizations: this.connections.endorsersFor(options.endorsingOrganizations),
        })
        .endorse();
    for (let attempt = 1; ; attempt++) {
      const endorsed = await this.connections.hedgeAs('endorse', user, endorse);
      if (!endorsed.ok) {
        const err = endorsed.error;
        const elsewhere = this.connections.noteFailure(endorsed.gateway, err);
        if ((elsewhere || isRetryable(err)) && attempt < MAX_ATTEMPTS) {
          if (!elsewhere) await sleep(200 * attempt);
          continue;
        }
        if (!rechecked && attempt < MAX_ATTEMPTS && (await this.refusalToRecheck(err, user))) {
          rechecked = true;
          continue;
        }
        throw err instanceof GatewayError ? fromGatewayError(err) : err;
      }
      const gateway = endorsed.gateway;
      let transaction: Transaction = endorsed.value;
      // Signed here rather than inside submit (fabric-gateway signs lazily): the bytes kept for recovery must carry the
      // signature, since recovery resends them without the user's key (the soak found "No signing implementation", 500).
      const { signer } = signerFor(user.privateKey);
      transaction = gateway.newSignedTransaction(transaction.getBytes(), await signer(transaction.getDigest()));
      await options.onSigned?.(transaction.getTransactionId(), transaction.getBytes());
      try {
        return {
          result: utf8.decode(transaction.getResult()),
          receipt: await this.commit(transaction, false, gateway),
        };
      } catch (err) {
        if (err instanceof OutcomeUnknown) throw err;
        const conflict =
          err instanceof TransactionInvalid &&
          (err.validationCode === 'MVCC_READ_CONFLICT' || err.validationCode === 'PHANTOM_READ_CONFLICT');
        if (conflict && attempt < MAX_ATTEMPTS) {
          this.logger.debug(
            { transactionId: transaction.getTransactionId(), attempt },
            'MVCC conflict: retrying with a new transaction',
          );
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * Timeouts resend the same transaction (same ID: it can commit at most once), a few times; then its outcome is
   * unknown (OutcomeUnknown), never "failed": it may still commit. Only an invalidation is a definite failure. A
   * transaction its author signed is followed by the gateway's status reader (the author's key is not here).
   */
  async commit(sent: Transaction, byReader = false, via?: Gateway): Promise<Receipt> {
    const transactionId = sent.getTransactionId();
    const bytes = sent.getBytes();
    // The same signed bytes, through whichever peer serves now (after a failure or a silence, not that one).
    const serving = () => this.gateway(creatorOf(bytes));
    let attempt = 1;
    const follow = async (gateway: Gateway): Promise<Status> => {
      const asSent = attempt === 1 && gateway === via;
      const submitted = await (asSent ? sent : gateway.newTransaction(bytes)).submit();
      // Only the user's own connection (with their key) asks for the status as the user; any other asks as the reader.
      return byReader || !asSent ? this.readStatus(transactionId) : submitted.getStatus();
    };
    for (; ; attempt++) {
      const followed = await this.connections.hedge('commit', attempt === 1 && via ? via : serving(), follow, serving);
      if (followed.ok) {
        const status = followed.value;
        if (!status.successful) throw new TransactionInvalid(codeName(status.code), transactionId);
        return { transactionId, blockNumber: status.blockNumber.toString(), validationCode: 'VALID' };
      }
      const err = followed.error;
      if (err instanceof CommitError) throw new TransactionInvalid(codeName(err.code), transactionId);
      this.connections.noteFailure(followed.gateway, err);
      if (isRetryable(err) && attempt < MAX_ATTEMPTS) {
        this.logger.warn(
          { transactionId, attempt, err: (err as Error).message },
          'submit or commit status timed out: resending the same transaction',
        );
        await sleep(500 * attempt);
        continue;
      }
      throw new OutcomeUnknown(transactionId, err);
    }
  }

  /**
   * The commit status of a transaction by its ID, waiting at most `deadlineMs` for it to appear on the channel:
   * undefined when it has not (it may not have reached the orderer, or not yet been cut into a block).
   */
  async statusOf(transactionId: string, deadlineMs: number): Promise<Status | undefined> {
    try {
      return await this.readStatus(transactionId, deadlineMs);
    } catch (err) {
      if (err instanceof GatewayError) return undefined;
      throw err;
    }
  }

  /**
   * Sends a signed transaction once more (its ID unchanged: it commits at most once) and waits at most `deadlineMs`
   * for its status; undefined when it is still not known.
   */
  async resend(signedTransaction: Uint8Array, deadlineMs: number): Promise<Status | undefined> {
    const transaction = this.gateway(creatorOf(signedTransaction)).newTransaction(signedTransaction);
    try {
      await transaction.submit({ deadline: Date.now() + deadlineMs });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
    }
    return this.statusOf(transaction.getTransactionId(), deadlineMs);
  }

  /** What the chaincode answered in a signed transaction (its endorsed result), whoever signed it. */
  resultOf(signedTransaction: Uint8Array): string {
    return utf8.decode(this.gateway(creatorOf(signedTransaction)).newTransaction(signedTransaction).getResult());
  }

  /** The commit status of any transaction on the channel, asked as the status reader. */
  private async readStatus(transactionId: string, deadlineMs?: number): Promise<Status> {
    if (!this.statusReader) throw new Error('no status reader: the gateway cannot follow transactions it did not sign');
    const reader = await this.statusReader();
    const request = new gatewayProtos.CommitStatusRequest();
    request.setChannelId(this.channel);
    request.setTransactionId(transactionId);
    const creator = new msp.SerializedIdentity();
    creator.setMspid(reader.mspId);
    creator.setIdBytes(Buffer.from(reader.certificate));
    request.setIdentity(creator.serializeBinary());
    const signed = new gatewayProtos.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    const commit = this.gateway(reader).newCommit(signed.serializeBinary());
    return commit.getStatus(deadlineMs === undefined ? undefined : { deadline: Date.now() + deadlineMs });
  }

  close(): void {
    this.connections.close();
  }
}
