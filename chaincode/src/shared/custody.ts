/**
 * The channel-level setting "custodial identities may perform personal acts" (off by default).
 *
 * Personal acts (decisions, reviews, acceptance, payouts, seals, attestations; `personal` in access.ts) must be signed
 * with their author's own key. An operator that runs a custodial integration can allow them to identities whose key the
 * gateway holds, but only if every bureau agrees: each bureau's admin, holding their own key, records their bureau's
 * vote, and the setting is on while every bureau's latest vote is "allowed". Each vote's key carries a key-level
 * endorsement policy naming its bureau, so no other two bureaus' peers can forge or change it.
 */
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';

import { BUREAUS } from '@luohu/domain';
import { getRecord } from './ledger';

/** The record kind of one bureau's vote (key: `[mspId]`). */
export const CUSTODY_VOTE = 'custodialPersonalActsVote';

/** One bureau's vote on allowing custodial identities personal acts. */
export interface CustodyVote {
  docType: 'custodialPersonalActsVote';
  mspId: string;
  allowed: boolean;
  votedBy: { mspId: string; id: string; role: string | null };
  votedAt: string;
}

/** The setting as it stands: on only when every bureau has voted to allow; each bureau's vote (null: none yet). */
export interface CustodySetting {
  allowed: boolean;
  votes: Record<string, CustodyVote | null>;
}

/** Every bureau's latest vote and the setting they make. */
export async function readCustodySetting(ctx: Context): Promise<CustodySetting> {
  const votes: Record<string, CustodyVote | null> = {};
  for (const msp of BUREAUS) {
    votes[msp] = (await getRecord<CustodyVote>(ctx, CUSTODY_VOTE, [msp])) ?? null;
  }
  return { allowed: BUREAUS.every((msp) => votes[msp]?.allowed === true), votes };
}

/** Whether custodial identities may perform personal acts now (read only when such an identity tries one). */
export async function custodialPersonalActsAllowed(ctx: Context): Promise<boolean> {
  for (const msp of BUREAUS) {
    const vote = await getRecord<CustodyVote>(ctx, CUSTODY_VOTE, [msp]);
    if (vote?.allowed !== true) return false;
  }
  return true;
}

/** Serialised key-level policy for a bureau's vote: a peer of that bureau must endorse any change. */
export function votePolicy(mspId: string): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', mspId);
  return policy.getPolicy();
}
