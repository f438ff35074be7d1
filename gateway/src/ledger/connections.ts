import type crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, Gateway, GatewayError, CommitError } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
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

/** How long a peer has to tell its height before it counts as silent. */
const PROBE_MS = 500;
/** How often, and how patiently, the peer of an event stream is asked its height (twice unanswered: silent). */
const STREAM_PROBE_MS = 1_000;

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
  /** Signs the peers' probes (each one's height); without it, a silent call blames the peer it went through. */
  private prober?: () => Promise<SigningUser>;

  constructor(
    private readonly description: ConnectionDescription,
    private readonly logger: Logger,
    private readonly timeouts: LedgerTimeouts,
  ) {
    this.peers = new PeerDirectory(description);
  }

  useProber(prober: () => Promise<SigningUser>): void {
    this.prober = prober;
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

  /**
   * A connection as the user, through the peer that serves their bureau now; without a private key, one whose every
   * signature the identity's holder supplies.
   */
  gateway(user: SigningUser | ClientIdentity): Gateway {
    return this.through(this.peers.peerFor(user.mspId), user);
  }

  private through(peer: PeerEndpoint, user: SigningUser | ClientIdentity): Gateway {
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

  /** `call` as `user`, hedged (below) again through whichever peer serves the user's bureau after the silence. */
  hedgeAs<T>(
    kind: CallKind,
    user: SigningUser | ClientIdentity,
    call: (gateway: Gateway) => Promise<T>,
  ): Promise<Attempt<T>> {
    return this.hedge(kind, this.gateway(user), call, () => this.gateway(user));
  }

  /**
   * `call` through `gateway`; when it is unanswered past its kind's usual time (hedging.ts), the peers are probed, the
   * silent ones — the peer it went through, or an endorser it waits for — are passed over for a few seconds (their
   * bureaus' users are served by another peer, their bureaus left out of endorsement plans), and the call is made once
   * more through `elsewhere()`, asked after that. When every peer answers, the call is only slow: it is waited for,
   * without adding load.
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
    const second = async () => {
      const peer = this.peerOf.get(gateway);
      const silent = (await this.silentPeers()) ?? (peer ? [peer] : []);
      if (silent.length === 0) return undefined;
      for (const p of silent) this.peers.peerSilent(p);
      this.logger.warn(
        { silent: silent.map((p) => p.id), kind, afterMs: delayMs },
        'silent peers passed over: the call is made again without them',
      );
      return attempt(elsewhere());
    };
    return hedged(first, second, delayMs, (o) => o.ok || holdsEverywhere(o.error));
  }

  /**
   * The peers that do not tell their height within PROBE_MS, each asked directly (qscc GetChainInfo, evaluated on
   * itself): a busy peer answers that in milliseconds, a silent one not at all. Undefined without a prober. A peer
   * that answers is no longer passed over: one back from a pause or a cut a moment ago is planned with again, so that
   * the plan around the silent one is still a majority.
   */
  private async silentPeers(): Promise<PeerEndpoint[] | undefined> {
    const prober = await this.prober?.().catch(() => undefined);
    if (!prober) return undefined;
    const answers = await Promise.all(this.peers.all.map((peer) => this.answers(peer, prober, PROBE_MS)));
    return this.peers.all.filter((_, i) => !answers[i]);
  }

  /**
   * The channel's ledger height as `mspId`'s peer reports it (qscc GetChainInfo, evaluated there), asked through
   * `gateway`.
   */
  async height(gateway: Gateway, mspId: string, deadlineMs: number): Promise<number> {
    const { channel } = this.description;
    const bytes = await gateway
      .getNetwork(channel)
      .getContract('qscc')
      .newProposal('GetChainInfo', { arguments: [channel], endorsingOrganizations: [mspId] })
      .evaluate({ deadline: Date.now() + deadlineMs });
    return Number(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  }

  /** Whether the peer tells its height within `deadlineMs`; one that does is no longer passed over. */
  private async answers(peer: PeerEndpoint, prober: SigningUser, deadlineMs: number): Promise<boolean> {
    try {
      await this.height(this.through(peer, prober), peer.mspId, deadlineMs);
      this.peers.peerAnswered(peer);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Watches a long-lived call through `gateway` (a chaincode event stream), which a silent peer would hold open and
   * empty: the peer is probed every STREAM_PROBE_MS, and once it has not answered twice in a row it is passed over and
   * `onSilent` is called, once — the stream is then opened again through another peer. Returns what stops the watch.
   */
  watchStream(gateway: Gateway, onSilent: () => void): () => void {
    const peer = this.peerOf.get(gateway);
    if (!peer) return () => undefined;
    let unanswered = 0;
    let probing = false;
    const timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void (async () => {
        const prober = await this.prober?.().catch(() => undefined);
        if (!prober) return;
        unanswered = (await this.answers(peer, prober, STREAM_PROBE_MS)) ? 0 : unanswered + 1;
        if (unanswered < 2) return;
        clearInterval(timer);
        this.peers.peerSilent(peer);
        this.logger.warn({ peer: peer.id }, 'the peer of an event stream is silent: opening it through another peer');
        onSilent();
      })().finally(() => (probing = false));
    }, STREAM_PROBE_MS);
    return () => clearInterval(timer);
  }

  close(): void {
    for (const g of this.gateways.values()) g.close();
    for (const c of this.clients.values()) c.close();
    this.gateways.clear();
    this.clients.clear();
  }
}
