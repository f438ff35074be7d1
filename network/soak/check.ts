import crypto from 'node:crypto';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type * as grpc from '@grpc/grpc-js';
import { connectAs, peerClient, readConnectionDescription, registerAndEnroll } from '../src/client';
import { status } from '../src/network';
import type { Settings } from '../src/settings';
import type { Topology } from '../src/topology';
import type { LedgerTarget, WriteRecord } from './writers';

/** How many writes were made and how each was answered in the end. */
interface Counts {
  writes: number;
  acknowledged: number;
  refused: number;
  /** No definite answer before the give-up time (the write may or may not be on the ledger; it is not counted as told). */
  unresolved: number;
}

/** What the checker found for one workload kind: the counts, and how many writes had each problem. */
export interface Tally extends Counts {
  lost: number;
  duplicated: number;
  misreported: number;
}

/** What the checker found, write by write, against every peer's copy of the ledger. */
export interface Verdict extends Counts {
  /** Acknowledged (201 with a receipt) but not VALID on every peer, or its record absent. */
  lost: string[];
  /** One Idempotency-Key acknowledged with two different transactions. */
  duplicated: string[];
  /** An answer that contradicts the ledger: refused but committed, a receipt naming another transaction, "already exists" for one's own write. */
  misreported: string[];
  /** The same, per workload kind (counts). */
  byKind: Record<string, Tally>;
}

/** What the ledger says of one write: its receipt's validation code on each peer, and the transaction that wrote it. */
export interface LedgerView {
  /** Per peer (MSP ID): the acknowledged transaction's validation code, undefined when the peer does not know it. */
  validation: { peer: string; code: number | undefined }[];
  /** The transaction that made the write's version of its record; undefined when the ledger has no such version. */
  writtenBy: string | undefined;
}

const VALID = 0;

export function emptyVerdict(): Verdict {
  return {
    writes: 0,
    acknowledged: 0,
    refused: 0,
    unresolved: 0,
    lost: [],
    duplicated: [],
    misreported: [],
    byKind: {},
  };
}

/** Classifies one write from its answers and what the ledger says, into `verdict` (kind-agnostic). */
export function classify(r: WriteRecord, seen: LedgerView, verdict: Verdict): void {
  const tally = (verdict.byKind[r.kind] ??= {
    writes: 0,
    acknowledged: 0,
    refused: 0,
    unresolved: 0,
    lost: 0,
    duplicated: 0,
    misreported: 0,
  });
  const name = `${r.kind} ${r.id}`;
  const problem = (list: 'lost' | 'duplicated' | 'misreported', text: string) => {
    if (!verdict[list].some((p) => p.startsWith(`${name}:`))) tally[list]++;
    verdict[list].push(`${name}: ${text}`);
  };
  verdict.writes++;
  tally.writes++;
  const acks = new Set(r.answers.filter((a) => a.status === 201).map((a) => a.transactionId));
  if (acks.size > 1) problem('duplicated', `acknowledged as ${[...acks].join(' and ')}`);
  if (r.answers.some((a) => a.code === 'already_exists'))
    problem('misreported', 'its own retry was told "already exists"');
  if (r.final?.status === 201) {
    verdict.acknowledged++;
    tally.acknowledged++;
    for (const v of seen.validation)
      if (v.code !== VALID) problem('lost', `${r.final.transactionId} is ${v.code ?? 'absent'} on ${v.peer}`);
    if (!seen.writtenBy) problem('lost', 'acknowledged, not in the world state');
    else if (seen.writtenBy !== r.final.transactionId)
      problem('misreported', `receipt ${r.final.transactionId}, written by ${seen.writtenBy}`);
  } else if (r.final) {
    verdict.refused++;
    tally.refused++;
    if (seen.writtenBy)
      problem('misreported', `answered ${r.final.status} ${r.final.code}, yet committed by ${seen.writtenBy}`);
  } else {
    verdict.unresolved++;
    tally.unresolved++;
  }
}

/** One committed version of a record (audit:recordHistory), newest first as Fabric gives them. */
export interface HistoryEntry {
  txId: string;
  value: unknown;
}

/**
 * The transaction that made the target's version: the record's first version, or, for a step or a status, the first
 * version that has it.
 */
export function writtenBy(target: LedgerTarget, history: HistoryEntry[]): string | undefined {
  const oldestFirst = [...history].reverse();
  const has = (e: HistoryEntry) => {
    const value = e.value as { steps?: { step: string }[]; status?: string } | null;
    if (target.step) return (value?.steps ?? []).some((s) => s.step === target.step);
    return !target.status || value?.status === target.status;
  };
  return oldestFirst.find(has)?.txId;
}

/** Waits until every peer has the same height (a peer that was down catches up), then checks each write on each peer. */
export async function check(s: Settings, t: Topology, records: WriteRecord[]): Promise<Verdict> {
  await sameHeight(s, t);
  const description = readConnectionDescription(s.runDir);
  const orgs = description.orgs.filter((o) => o.peers.length > 0);
  const housing = orgs.find((o) => o.mspId === 'HousingMSP')!;
  const checker = await registerAndEnroll(housing, `soak-checker-${crypto.randomUUID().slice(0, 8)}`, {
    role: 'inspector',
  });
  const peers: { mspId: string; client: grpc.Client; gateway: Gateway }[] = orgs.map((o) => {
    const client = peerClient(o);
    return { mspId: o.mspId, client, gateway: connectAs(checker, client) };
  });
  const verdict = emptyVerdict();
  const checkOne = async (r: WriteRecord) => {
    const history = await recordHistory(peers[0].gateway, description.channel, description.chaincode, r.target);
    const receipt = r.final?.status === 201 ? r.final.transactionId! : undefined;
    const validation = receipt
      ? await Promise.all(
          peers.map(async (p) => ({
            peer: p.mspId,
            code: await validationCode(p.gateway, description.channel, receipt),
          })),
        )
      : [];
    classify(r, { validation, writtenBy: writtenBy(r.target, history) }, verdict);
  };
  try {
    // Checked a few at a time (each write asks every peer): the verdict is the same, in a fraction of the time.
    const queue = [...records];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await checkOne(r);
      }),
    );
  } finally {
    for (const p of peers) {
      p.gateway.close();
      p.client.close();
    }
  }
  return verdict;
}

async function sameHeight(s: Settings, t: Topology, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const heights = (await status(s, t)).nodes.filter((n) => n.kind === 'peer').map((n) => n.height);
    if (heights.every((h) => h !== null && h === heights[0])) return;
    if (Date.now() > deadline) throw new Error(`soak: peers did not reach one height: ${heights.join(', ')}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The transaction's validation code on this gateway's peer; undefined when the peer does not know it. */
async function validationCode(gateway: Gateway, channel: string, transactionId: string): Promise<number | undefined> {
  try {
    const bytes = await gateway
      .getNetwork(channel)
      .getContract('qscc')
      .evaluate('GetTransactionByID', {
        arguments: [channel, transactionId],
      });
    return peerProtos.ProcessedTransaction.deserializeBinary(bytes).getValidationcode();
  } catch {
    return undefined;
  }
}

/** Every committed version of the target's record (the chaincode's audit:recordHistory): [] for a record never written. */
async function recordHistory(
  gateway: Gateway,
  channel: string,
  chaincode: string,
  target: LedgerTarget,
): Promise<HistoryEntry[]> {
  const bytes = await gateway
    .getNetwork(channel)
    .getContract(chaincode, 'audit')
    .evaluateTransaction('recordHistory', target.recordKind, JSON.stringify(target.key));
  return JSON.parse(new TextDecoder().decode(bytes)) as HistoryEntry[];
}
