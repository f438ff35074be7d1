import type crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, Gateway, GatewayError, CommitError } from '@hyperledger/fabric-gateway';
import type { ConnectionDescription } from '../config';
import type { Logger } from '../platform/logger';
import { chaincodeMessage, TransactionInvalid } from './errors';
import { type CallKind, hedged, HedgeDelays, type Outcome } from './hedging';
import { blame, PeerDirectory, type PeerEndpoint } from './peers';
import { signerFor } from './signer';

/** The Fabric identity a transaction is signed with: always the calling user's own. */
export interface SigningUser {
  id: string;
  mspId: string;
  certificate: string;
  privateKey: crypto.KeyObject;
}

/** An identity whose private key the gateway does not hold: its holder signs each step (see client-signed.ts). */
export interface ClientIdentity {
  mspId: string;
  certificate: string;
}

/** How long each step of a transaction waits for the network (config: LEDGER_*_TIMEOUT_MS). */
export interface LedgerTimeouts {
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

/** How a call went, and through which peer's gateway. */
export type Attempt<T> = Outcome<T> & { gateway: Gateway };

/** A failure that holds wherever it is asked: the chaincode's refusal, or the transaction's invalidation. */
const holdsEverywhere = (err: unknown) =>
  err instanceof TransactionInvalid ||
  err instanceof CommitError ||
  (err instanceof GatewayError && chaincodeMessage(err) !== undefined);

/**
 * The gateway's connections to the bureaus' peers: one shared gRPC client per peer, a fabric-gateway connection per
 * user over it, served by whichever peer serves that user's bureau now (peers.ts), and what failed or silent calls say
 * about the peers.
 */
export class PeerConnections {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly gateways = new Map<string, Gateway>();
  private readonly peerOf = new WeakMap<Gateway, PeerEndpoint>();
  private readonly peers: PeerDirectory;
  private readonly hedgeDelays = new HedgeDelays();

  constructor(
    description: ConnectionDescription,
    private readonly logger: Logger,
    private readonly timeouts: LedgerTimeouts,
  ) {
    this.peers = new PeerDirectory(description);
  }

  /** Every bureau with a peer on the channel. */
  get bureaus(): string[] {
    return this.peers.bureaus;
  }

  private client(peer: PeerEndpoint): grpc.Client {
    let client = this.clients.get(peer.id);
    if (!client) {
      client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert)), {
        'grpc.ssl_target_name_override': peer.hostnameOverride,
        'grpc.keepalive_time_ms': 60_000,
      });
      this.clients.set(peer.id, client);
    }
    return client;
  }

  /** A connection as the user; without a private key, one whose every signature the identity's holder supplies. */
  gateway(user: SigningUser | ClientIdentity): Gateway {
    const peer = this.peers.peerFor(user.mspId);
    const key = `${peer.id}\0${'id' in user ? user.id : ''}\0${user.certificate}`;
    let gateway = this.gateways.get(key);
    if (!gateway) {
      gateway = connect({
        client: this.client(peer),
        identity: { mspId: user.mspId, credentials: Buffer.from(user.certificate) },
        ...('privateKey' in user ? signerFor(user.privateKey) : {}),
        evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
        endorseOptions: () => ({ deadline: Date.now() + this.timeouts.endorseMs }),
        submitOptions: () => ({ deadline: Date.now() + this.timeouts.submitMs }),
        commitStatusOptions: () => ({ deadline: Date.now() + this.timeouts.commitStatusMs }),
      });
      if (this.gateways.size > 1000) this.dropOldestGateway();
      this.gateways.set(key, gateway);
      this.peerOf.set(gateway, peer);
    }
    return gateway;
  }

  /**
   * What a failed call through `gateway` says about the network (`blame`): a peer that cannot serve now is passed over
   * for a few seconds (its bureau's users are served by another's); a bureau whose endorsement failed without a chaincode
   * refusal is left out of endorsement plans as long as the others make a majority. True when a retry may go elsewhere.
   */
  noteFailure(gateway: Gateway, err: unknown): boolean {
    if (!(err instanceof GatewayError) || chaincodeMessage(err) !== undefined) return false;
    const peer = this.peerOf.get(gateway);
    const { peer: peerFailed, endorsers } = blame(err);
    if (peerFailed && peer) {
      this.peers.peerFailed(peer);
      return true;
    }
    for (const mspId of endorsers) this.peers.endorsementFailed(mspId);
    return endorsers.length > 0;
  }

  /** The bureaus a new transaction is endorsed by: as asked, or the healthy majority while one bureau fails. */
  endorsersFor(asked?: string[]): string[] | undefined {
    return asked ?? this.peers.endorsers();
  }

  private dropOldestGateway(): void {
    const [key, gateway] = this.gateways.entries().next().value as [string, Gateway];
    gateway.close();
    this.gateways.delete(key);
  }

  /**
   * `call` through `gateway`, made once more through another peer — `elsewhere()`, asked after the silent peer is
   * passed over — when it is silent past its kind's usual time (hedging.ts). The silent peer stays passed over for a
   * few seconds, so the calls after it go elsewhere at once, and its bureau is left out of endorsement plans.
   */
  async hedge<T>(
    kind: CallKind,
    gateway: Gateway,
    call: (gateway: Gateway) => Promise<T>,
    elsewhere: () => Gateway,
  ): Promise<Attempt<T>> {
    const attempt = (via: Gateway): Promise<Attempt<T>> =>
      call(via).then(
        (value) => ({ ok: true, value, gateway: via }),
        (error: unknown) => ({ ok: false, error, gateway: via }),
      );
    const started = performance.now();
    const delayMs = this.hedgeDelays.delayMs(kind);
    const first = () =>
      attempt(gateway).then((outcome) => {
        if (outcome.ok) this.hedgeDelays.record(kind, performance.now() - started);
        return outcome;
      });
    const second = () => {
      const silent = this.peerOf.get(gateway);
      if (!silent) return undefined;
      this.peers.peerFailed(silent);
      const other = elsewhere();
      if (this.peerOf.get(other) === silent) return undefined;
      this.logger.warn({ peer: silent.id, kind, afterMs: delayMs }, 'a peer is silent: asking another peer');
      return attempt(other);
    };
    const { outcome } = await hedged(first, second, delayMs, (o) => o.ok || holdsEverywhere(o.error));
    return outcome;
  }

  close(): void {
    for (const g of this.gateways.values()) g.close();
    for (const c of this.clients.values()) c.close();
    this.gateways.clear();
    this.clients.clear();
  }
}
