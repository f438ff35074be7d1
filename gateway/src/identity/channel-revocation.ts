import crypto from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import type { ConnectionDescription } from '../config';
import { normaliseSerial, readCrlContents } from '../shared/crl';
import { ChannelAdmin, ChannelConfigClient, ConfigUpdateRefused } from './channel-config';

const ATTEMPTS = 5;

/**
 * An org's certificate revocation list in the channel configuration (its MSP value's revocation_list): what makes
 * every peer and orderer refuse a revoked certificate, whoever presents it. A CA revocation alone only stops our
 * gateway from signing.
 */
export class ChannelRevocation {
  constructor(
    private readonly description: ConnectionDescription,
    private readonly peerTimeoutMs = 30_000,
  ) {}

  /**
   * Puts the org's current CRL into the channel configuration with an update signed by the org's admin, and
   * resolves once every peer has committed it. Idempotent: if the channel already lists every serial the CRL
   * lists, nothing is updated (it still waits for the peers). Returns the configuration block's number.
   */
  async publish(
    admin: ChannelAdmin,
    currentCrl: () => Promise<Uint8Array>,
  ): Promise<{ block: number; updated: boolean }> {
    const channel = new ChannelConfigClient(this.description, admin);
    try {
      for (let attempt = 1; ; attempt++) {
        const latest = await channel.latest();
        // Read the CRL after the configuration: every revocation already on the channel was made before this CRL,
        // so it lists them too, and a concurrent publisher that wins the race makes our update stale, not lossy.
        const crl = await currentCrl();
        const wanted = readCrlContents(crl);
        const org = orgMsp(latest.config, admin.mspId);
        const covered = (config: common.Config) => isSubset(wanted.serials, orgMsp(config, admin.mspId).revokedSerials);
        if (covered(latest.config)) {
          await channel.awaitOnPeers(latest.configBlock, this.peerTimeoutMs);
          return { block: latest.configBlock, updated: false };
        }
        try {
          await channel.update(revocationUpdate(this.description.channel, latest.config, org, crl, wanted.issuer));
        } catch (err) {
          // Another update of the same org's MSP went first: read the configuration again.
          if (attempt < ATTEMPTS && err instanceof ConfigUpdateRefused && /version/i.test(err.info)) continue;
          throw err;
        }
        const next = await channel.nextConfig(latest.height);
        if (!covered(next.config)) {
          // Another configuration update was ordered first: ours may have been dropped, or come next. Look again.
          if (attempt < ATTEMPTS) continue;
          throw new Error(`other configuration updates kept going first (${ATTEMPTS} attempts)`);
        }
        await channel.awaitOnPeers(next.block, this.peerTimeoutMs);
        return { block: next.block, updated: true };
      }
    } finally {
      channel.close();
    }
  }

  /** The certificate serials (lower-case hex) the org's CRLs in the current channel configuration list. */
  async revokedOnChannel(admin: ChannelAdmin): Promise<Set<string>> {
    const channel = new ChannelConfigClient(this.description, admin);
    try {
      return orgMsp((await channel.latest()).config, admin.mspId).revokedSerials;
    } finally {
      channel.close();
    }
  }
}

interface OrgMsp {
  path: string[];
  group: common.ConfigGroup;
  value: common.ConfigValue;
  fabric: msp.FabricMSPConfig;
  revokedSerials: Set<string>;
}

/** The org's MSP value in the Application group (found by MSP ID, not by the group's name). */
function orgMsp(config: common.Config, mspId: string): OrgMsp {
  const application = config.getChannelGroup()!.getGroupsMap().get('Application')!;
  for (const [name, group] of application.getGroupsMap().entries()) {
    const value = group.getValuesMap().get('MSP');
    if (!value) continue;
    const fabric = msp.FabricMSPConfig.deserializeBinary(
      msp.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8(),
    );
    if (fabric.getName() !== mspId) continue;
    const revokedSerials = new Set(fabric.getRevocationListList_asU8().flatMap((c) => [...readCrlContents(c).serials]));
    return { path: ['Application', name], group, value, fabric, revokedSerials };
  }
  throw new Error(`the channel configuration has no application org with MSP ID ${mspId}`);
}

/**
 * The minimal update, as configtxlator would compute it: the read set pins the versions of the groups on the path,
 * the write set carries the org's MSP value at version + 1 with the new CRL in place of the same issuer's old one.
 */
function revocationUpdate(
  channelId: string,
  config: common.Config,
  org: OrgMsp,
  crl: Uint8Array,
  issuer: string,
): common.ConfigUpdate {
  const fabric = msp.FabricMSPConfig.deserializeBinary(org.fabric.serializeBinary());
  fabric.setRevocationListList([
    ...fabric.getRevocationListList_asU8().filter((c) => readCrlContents(c).issuer !== issuer),
    crl,
  ]);
  const mspConfig = msp.MSPConfig.deserializeBinary(org.value.getValue_asU8());
  mspConfig.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setVersion(org.value.getVersion() + 1);
  value.setModPolicy(org.value.getModPolicy());
  value.setValue(mspConfig.serializeBinary());

  const channel = config.getChannelGroup()!;
  const application = channel.getGroupsMap().get('Application')!;
  const pinned = (versionOf: common.ConfigGroup, child?: [string, common.ConfigGroup], msp?: common.ConfigValue) => {
    const g = new common.ConfigGroup();
    g.setVersion(versionOf.getVersion());
    if (child) g.getGroupsMap().set(child[0], child[1]);
    if (msp) g.getValuesMap().set('MSP', msp);
    return g;
  };
  const [, orgName] = org.path;
  const readSet = pinned(channel, ['Application', pinned(application, [orgName, pinned(org.group)])]);
  const writeSet = pinned(channel, [
    'Application',
    pinned(application, [orgName, pinned(org.group, undefined, value)]),
  ]);
  const update = new common.ConfigUpdate();
  update.setChannelId(channelId);
  update.setReadSet(readSet);
  update.setWriteSet(writeSet);
  return update;
}

/** A certificate's serial in the form a CRL's contents list it (shared/crl). */
export const certificateSerial = (certificatePem: string) =>
  normaliseSerial(new crypto.X509Certificate(certificatePem).serialNumber);

const isSubset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
