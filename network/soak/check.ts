import crypto from 'node:crypto';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type * as grpc from '@grpc/grpc-js';
import { connectAs, peerClient, readConnectionDescription, registerAndEnroll } from '../src/client';
import { status } from '../src/network';
import type { Settings } from '../src/settings';
import type { Topology } from '../src/topology';
import type { WriteRecord } from './writers';

/** What the checker found, write by write, against every peer's copy of the ledger. */
export interface Verdict {
  writes: number;
  acknowledged: number;
  refused: number;
  /** No definite answer before the give-up time (the write may or may not be on the ledger; it is not counted as told). */
  unresolved: number;
  /** Acknowledged (201 with a receipt) but not VALID on every peer, or its record absent. */
  lost: string[];
  /** One Idempotency-Key acknowledged with two different transactions. */
  duplicated: string[];
  /** An answer that contradicts the ledger: refused but committed, a receipt naming another transaction, "already exists" for one's own write. */
  misreported: string[];
}

const VALID = 0;

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
  const verdict: Verdict = {
    writes: records.length,
    acknowledged: 0,
    refused: 0,
    unresolved: 0,
    lost: [],
    duplicated: [],
    misreported: [],
  };
  // Checked a few at a time (each write asks every peer twice): the verdict is the same, in a fraction of the time.
  const checkOne = async (r: WriteRecord) => {
    const acks = new Set(r.answers.filter((a) => a.status === 201).map((a) => a.transactionId));
    if (acks.size > 1) verdict.duplicated.push(`${r.batchId}: acknowledged as ${[...acks].join(' and ')}`);
    if (r.answers.some((a) => a.code === 'already_exists'))
      verdict.misreported.push(`${r.batchId}: its own retry was told "already exists"`);
    const onLedger = await batchOnLedger(peers[0].gateway, description.channel, description.chaincode, r.batchId);
    if (r.final?.status === 201) {
      verdict.acknowledged++;
      for (const p of peers) {
        const code = await validationCode(p.gateway, description.channel, r.final.transactionId!);
        if (code !== VALID)
          verdict.lost.push(`${r.batchId}: ${r.final.transactionId} is ${code ?? 'absent'} on ${p.mspId}`);
      }
      if (!onLedger) verdict.lost.push(`${r.batchId}: acknowledged, not in the world state`);
      else if (onLedger.txId !== r.final.transactionId)
        verdict.misreported.push(`${r.batchId}: receipt ${r.final.transactionId}, written by ${onLedger.txId}`);
    } else if (r.final) {
      verdict.refused++;
      if (onLedger) verdict.misreported.push(`${r.batchId}: answered ${r.final.status} ${r.final.code}, yet committed`);
    } else verdict.unresolved++;
  };
  try {
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

async function batchOnLedger(
  gateway: Gateway,
  channel: string,
  chaincode: string,
  batchId: string,
): Promise<{ txId: string } | undefined> {
  try {
    const bytes = await gateway
      .getNetwork(channel)
      .getContract(chaincode, 'anchor')
      .evaluateTransaction('readBatch', batchId);
    return JSON.parse(new TextDecoder().decode(bytes)) as { txId: string };
  } catch (err) {
    const e = err as Error & { details?: { message: string }[] };
    const text = [e.message, ...(e.details ?? []).map((d) => d.message)].join(' ');
    if (/not_found|does not exist/.test(text)) return undefined;
    throw err;
  }
}
