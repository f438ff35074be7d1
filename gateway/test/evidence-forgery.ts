/**
 * Forged copies of an evidence bundle, each changed the way an attacker (or a faulty server) might: used by the
 * evidence tests to show that the offline verifier rejects each at the step that fails.
 */
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { EvidenceBundle } from '../src/evidence/format';
import { parseBlock, splitHeaders } from '../src/evidence/fabric';

export const clone = (b: EvidenceBundle): EvidenceBundle => JSON.parse(JSON.stringify(b));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function blockIndexOf(bundle: EvidenceBundle, txId: string): { bi: number; txIndex: number } {
  const t = bundle.transactions.find((x) => x.txId === txId)!;
  const bi = bundle.blocks.findIndex((b) => String(parseBlock(Buffer.from(b, 'base64')).number) === t.blockNumber);
  return { bi, txIndex: t.txIndex };
}

/** Rewrites one transaction's endorsements inside its block (the envelope and data hash then no longer match either). */
export function editEndorsements(
  bundle: EvidenceBundle,
  txId: string,
  edit: (list: peer.Endorsement[], prp: Uint8Array) => peer.Endorsement[],
): EvidenceBundle {
  const forged = clone(bundle);
  const { bi, txIndex } = blockIndexOf(forged, txId);
  const block = common.Block.deserializeBinary(Buffer.from(forged.blocks[bi], 'base64'));
  const data = block.getData()!.getDataList_asU8();
  const env = common.Envelope.deserializeBinary(data[txIndex]);
  const payload = common.Payload.deserializeBinary(env.getPayload_asU8());
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = cap.getAction()!;
  endorsed.setEndorsementsList(edit(endorsed.getEndorsementsList(), endorsed.getProposalResponsePayload_asU8()));
  cap.setAction(endorsed);
  action.setPayload(cap.serializeBinary());
  tx.setActionsList([action]);
  payload.setData(tx.serializeBinary());
  env.setPayload(payload.serializeBinary());
  data[txIndex] = env.serializeBinary();
  block.getData()!.setDataList(data);
  forged.blocks[bi] = b64(block.serializeBinary());
  return forged;
}

export const mspOf = (e: peer.Endorsement) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid();

/** A peer certificate of `mspId`'s name issued by a CA of our own making (not in the channel config), and its key. */
export function selfMadePeer(mspId: string): { endorser: Uint8Array; key: crypto.KeyObject } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forged-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', `/O=${mspId}/CN=ca.forged`, '-days', '2');
  run('req', ...ec, '-keyout', 'peer.key', '-out', 'peer.csr', '-subj', '/OU=peer/CN=peer0.forged');
  run(
    'x509',
    '-req',
    '-in',
    'peer.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'peer.pem',
    '-days',
    '2',
  );
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(fs.readFileSync(path.join(dir, 'peer.pem')));
  const key = crypto.createPrivateKey(fs.readFileSync(path.join(dir, 'peer.key')));
  fs.rmSync(dir, { recursive: true, force: true });
  return { endorser: id.serializeBinary(), key };
}

/** Replaces `mspId`'s endorsement by a well-formed one signed with a self-made certificate. */
export function swapEndorsement(bundle: EvidenceBundle, txId: string, mspId: string): EvidenceBundle {
  const fake = selfMadePeer(mspId);
  return editEndorsements(bundle, txId, (list, prp) =>
    list.map((e) => {
      if (mspOf(e) !== mspId) return e;
      const forged = new peer.Endorsement();
      forged.setEndorser(fake.endorser);
      forged.setSignature(crypto.sign('sha256', Buffer.concat([prp, fake.endorser]), fake.key));
      return forged;
    }),
  );
}

/** Edits one block of the bundle (header, data or metadata) and re-encodes it. */
export function editBlock(
  bundle: EvidenceBundle,
  txId: string,
  edit: (block: common.Block, txIndex: number) => void,
): EvidenceBundle {
  const forged = clone(bundle);
  const { bi, txIndex } = blockIndexOf(forged, txId);
  const block = common.Block.deserializeBinary(Buffer.from(forged.blocks[bi], 'base64'));
  edit(block, txIndex);
  forged.blocks[bi] = b64(block.serializeBinary());
  return forged;
}

export const flipByte = (bytes: Uint8Array, at: number): Uint8Array => {
  const c = Uint8Array.from(bytes);
  c[at] ^= 0x01;
  return c;
};

/** Drops one header from the middle of the bundle's chain (its own, or its checkpoint's). */
export function dropHeader(bundle: EvidenceBundle): EvidenceBundle {
  const forged = clone(bundle);
  const chain = forged.chain ?? forged.checkpoint.chain;
  const headers = splitHeaders(Buffer.from(chain.headers, 'base64'));
  if (headers.length < 3) throw new Error('the chain is too short to drop a middle header');
  const middle = Math.floor(headers.length / 2);
  chain.headers = Buffer.concat(headers.filter((_h, i) => i !== middle).map((h) => h.der)).toString('base64');
  return forged;
}
