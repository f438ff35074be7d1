import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import type { ConnectionDescription } from '@luohu/domain';

/** A peer whose Gateway service the gateway can call, with what its TLS needs. */
export interface PeerEndpoint {
  id: string;
  mspId: string;
  endpoint: string;
  hostnameOverride: string;
  tlsRootCert: string;
}

/**
 * What a failed call (that the chaincode did not refuse) says about the network: `peer` when the gateway peer it went
 * through cannot serve now — it refused the connection, or it cannot plan an endorsement yet ("no combination of
 * peers": just restarted, gossip has not met the others); `endorsers`, the bureaus whose endorsement failed.
 */
export function blame(err: GatewayError): { peer: boolean; endorsers: string[] } {
  const refused = err.code === grpcStatus.UNAVAILABLE && err.details.length === 0;
  const cannotPlan = err.code === grpcStatus.FAILED_PRECONDITION && /no combination of peers/.test(err.message);
  const endorsers = err instanceof EndorseError ? [...new Set(err.details.map((d) => d.mspId))] : [];
  return { peer: refused || cannotPlan, endorsers };
}

/** How long a peer that refused a connection, or a bureau whose endorsement failed, is passed over. */
const PASS_OVER_MS = 5_000;

/**
 * Which peers serve a bureau's users, and which bureaus endorse, while nodes fail. Any channel member's gateway peer
 * can serve any bureau's users (it plans endorsements for the chaincode's policy, not for its own bureau), so when a
 * bureau's peer is down its users are served by another bureau's for a few seconds, then their own is tried again.
 * Likewise a bureau whose endorsement failed without a chaincode refusal (its chaincode server down) is left out of
 * endorsement plans for a few seconds, as long as the others still make a majority (the channel's policy).
 */
export class PeerDirectory {
  /** Every peer of the channel, in the connection description's order. */
  readonly all: PeerEndpoint[];
  private readonly passedOver = new Map<string, number>();
  readonly bureaus: string[];

  constructor(
    description: ConnectionDescription,
    private readonly now: () => number = Date.now,
  ) {
    this.all = description.orgs.flatMap((o) =>
      o.peers.map((p) => ({ ...p, mspId: o.mspId, tlsRootCert: o.tlsRootCert })),
    );
    this.bureaus = [...new Set(this.all.map((p) => p.mspId))];
  }

  /** The peer to serve a user of `mspId` now: their bureau's first, then the others', passing over those that failed. */
  peerFor(mspId: string): PeerEndpoint {
    const ranked = [...this.all].sort((a, b) => Number(b.mspId === mspId) - Number(a.mspId === mspId));
    if (!ranked.some((p) => p.mspId === mspId)) throw new Error(`no peer for ${mspId} in the connection description`);
    const up = ranked.find((p) => !this.isPassedOver(p));
    // Every peer failed lately: the one passed over longest ago is tried again.
    return up ?? ranked.reduce((a, b) => (this.until(b) < this.until(a) ? b : a));
  }

  /**
   * Until when a peer, or a bureau's endorsement, is passed over; 0 if never. A peer is passed over for a failure
   * (`peer:<id>`) or for silence (`silent:<id>`), a bureau's endorsement for a failure (`endorser:<mspId>`).
   */
  private until(what: PeerEndpoint | string): number {
    if (typeof what === 'string') return this.passedOver.get(what) ?? 0;
    return Math.max(this.until(`peer:${what.id}`), this.until(`silent:${what.id}`));
  }

  private isPassedOver(what: PeerEndpoint | string): boolean {
    return this.until(what) > this.now();
  }

  /** The peer refused a connection, or cannot plan an endorsement yet. */
  peerFailed(peer: PeerEndpoint): void {
    this.passedOver.set(`peer:${peer.id}`, this.now() + PASS_OVER_MS);
  }

  /** The peer did not answer a probe: its link is cut, or it hangs. */
  peerSilent(peer: PeerEndpoint): void {
    this.passedOver.set(`silent:${peer.id}`, this.now() + PASS_OVER_MS);
  }

  /**
   * A peer that answered a probe is no longer passed over for silence (one back from a pause or a cut a moment ago is
   * planned with again at once); a failure it gave still stands, since a peer may answer a probe before it can plan.
   */
  peerAnswered(peer: PeerEndpoint): void {
    this.passedOver.delete(`silent:${peer.id}`);
  }

  endorsementFailed(mspId: string): void {
    this.passedOver.set(`endorser:${mspId}`, this.now() + PASS_OVER_MS);
  }

  /**
   * The bureaus to endorse with now: undefined (the peer plans, as usual) while every bureau endorses and has a peer
   * that answers; otherwise those that do, if they are still a majority of all.
   */
  endorsers(): string[] | undefined {
    // A bureau none of whose peers answers cannot endorse either (a peer planning with it would wait for its timeout).
    const reachable = (b: string) => this.all.some((p) => p.mspId === b && !this.isPassedOver(p));
    const healthy = this.bureaus.filter((b) => !this.isPassedOver(`endorser:${b}`) && reachable(b));
    if (healthy.length === this.bureaus.length) return undefined;
    return healthy.length > this.bureaus.length / 2 ? healthy : undefined;
  }
}
