import fs from 'node:fs';
import path from 'node:path';
import { binary } from './binaries';
import { run } from './exec';
import { ordererChannel } from './health';
import { layout, orgAdmin } from './layout';
import { peerAdminEnv } from './nodes';
import { Settings } from './settings';
import { address, Topology } from './topology';

export const genesisBlock = (s: Settings, t: Topology) => path.join(layout(s).channelDir, `${t.channel}.block`);

/** The channel's genesis block, made once by configtxgen from the generated configtx.yaml (no system channel). */
export async function ensureGenesisBlock(s: Settings, t: Topology): Promise<void> {
  const block = genesisBlock(s, t);
  if (fs.existsSync(block)) return;
  const dir = layout(s).channelDir;
  await run(
    binary(s, 'configtxgen'),
    ['-profile', 'LuohuChannel', '-channelID', t.channel, '-outputBlock', block, '-configPath', dir],
    { env: { PATH: process.env.PATH, FABRIC_CFG_PATH: dir } },
  );
}

/** Joins every orderer that does not yet serve the channel, with osnadmin (channel participation API). */
export async function joinOrderers(s: Settings, t: Topology): Promise<string[]> {
  const admin = orgAdmin(layout(s), t.ordererOrg);
  const joined: string[] = [];
  for (const o of t.ordererOrg.orderers) {
    if (await ordererChannel(s, t, o)) continue;
    await run(binary(s, 'osnadmin'), [
      'channel',
      'join',
      '--channelID',
      t.channel,
      '--config-block',
      genesisBlock(s, t),
      '-o',
      address(o.admin),
      '--ca-file',
      admin.tlsCa,
      '--client-cert',
      admin.tlsCert,
      '--client-key',
      admin.tlsKey,
    ]);
    joined.push(o.id);
  }
  return joined;
}

/** Joins every peer that has not yet joined the channel (the org's admin signs the request). */
export async function joinPeers(s: Settings, t: Topology): Promise<string[]> {
  const joined: string[] = [];
  for (const org of t.peerOrgs) {
    for (const p of org.peers) {
      const env = peerAdminEnv(s, p);
      const list = await run(binary(s, 'peer'), ['channel', 'list'], { env });
      if (list.split('\n').some((line) => line.trim() === t.channel)) continue;
      await run(binary(s, 'peer'), ['channel', 'join', '-b', genesisBlock(s, t)], { env });
      joined.push(p.id);
    }
  }
  return joined;
}
