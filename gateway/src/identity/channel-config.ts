import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { ConnectionDescription } from '../config';

// google-protobuf comes with @hyperledger/fabric-protos but without type declarations here: type the one call we make.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would need the declarations it lacks
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
  Timestamp: { fromDate(date: Date): Parameters<common.ChannelHeader['setTimestamp']>[0] };
};

/** An org admin's identity (a NodeOU admin certificate): what a channel configuration update must be signed by. */
export interface ChannelAdmin {
  mspId: string;
  certificate: string;
  privateKeyPem: string;
}

/** The channel's current configuration, and where it stands on the orderer's ledger. */
export interface LatestConfig {
  config: common.Config;
  /** The number of the block that holds this configuration. */
  configBlock: number;
  /** The orderer's ledger height when it was read: a later update lands at this block number or after. */
  height: number;
}

/** The orderer refused a configuration update (e.g. stale versions, or a signature that does not satisfy mod_policy). */
export class ConfigUpdateRefused extends Error {
  constructor(
    readonly status: number,
    readonly info: string,
  ) {
    super(`the orderer refused the configuration update: status ${status}, ${info}`);
  }
}

const MAX_BLOCK = Number.MAX_SAFE_INTEGER;
const ORDERER_TIMEOUT_MS = 30_000;
const within = (ms: number) => ({ deadline: Date.now() + ms });
type DeliverCall = grpc.ClientDuplexStream<common.Envelope, orderer.DeliverResponse | peer.DeliverResponse>;

/**
 * Reads and updates one channel's configuration as an org admin, over Fabric's own gRPC services: Deliver
 * (orderer and peers) and Broadcast (orderer). Opens its connections lazily; close() when done.
 */
export class ChannelConfigClient {
  private readonly sign;
  private readonly creator: Uint8Array;
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly description: ConnectionDescription,
    admin: ChannelAdmin,
  ) {
    this.sign = signers.newPrivateKeySigner(crypto.createPrivateKey(admin.privateKeyPem)); // low-S ECDSA, as Fabric requires
    const identity = new msp.SerializedIdentity();
    identity.setMspid(admin.mspId);
    identity.setIdBytes(Buffer.from(admin.certificate));
    this.creator = identity.serializeBinary();
  }

  /** The current configuration, as the orderers have it (the newest block names the last configuration block). */
  async latest(): Promise<LatestConfig> {
    return this.fromAnOrderer(async (client) => {
      const newest = (await this.blocks(client.deliver(within(ORDERER_TIMEOUT_MS)), seek(undefined)))[0];
      const height = newest.getHeader()!.getNumber() + 1;
      const configBlock = lastConfigIndex(newest);
      const block =
        configBlock === newest.getHeader()!.getNumber()
          ? newest
          : (await this.blocks(client.deliver(within(ORDERER_TIMEOUT_MS)), seek(configBlock, configBlock)))[0];
      return { config: configOf(block)!, configBlock, height };
    });
  }

  /** Signs the update (ConfigSignature and envelope, both by the admin) and broadcasts it; resolves once the orderer accepts it. */
  async update(update: common.ConfigUpdate): Promise<void> {
    const updateBytes = update.serializeBinary();
    const signatureHeader = this.signatureHeader();
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(signatureHeader);
    signature.setSignature(await this.sign(hash.sha256(Buffer.concat([signatureHeader, updateBytes]))));
    const updateEnvelope = new common.ConfigUpdateEnvelope();
    updateEnvelope.setConfigUpdate(updateBytes);
    updateEnvelope.setSignaturesList([signature]);
    const envelope = await this.envelope(common.HeaderType.CONFIG_UPDATE, updateEnvelope.serializeBinary());
    await this.fromAnOrderer(
      (client) =>
        new Promise<void>((resolve, reject) => {
          const call = client.broadcast(within(ORDERER_TIMEOUT_MS));
          call.on('data', (res: orderer.BroadcastResponse) => {
            call.end();
            if (res.getStatus() === common.Status.SUCCESS) resolve();
            else reject(new ConfigUpdateRefused(res.getStatus(), res.getInfo()));
          });
          call.on('error', reject);
          call.write(envelope);
        }),
      (err) => err instanceof ConfigUpdateRefused,
    );
  }

  /**
   * The first configuration block from `fromBlock` on, as the orderers cut it. An update the orderer accepted can
   * still be dropped at ordering time (Raft revalidates it when another configuration went first), so callers look
   * at what was actually ordered.
   */
  async nextConfig(fromBlock: number): Promise<{ config: common.Config; block: number }> {
    return this.fromAnOrderer(async (client) => {
      let found: { config: common.Config; block: number } | undefined;
      await this.blocks(client.deliver(within(ORDERER_TIMEOUT_MS)), seek(fromBlock, MAX_BLOCK), (block) => {
        const config = configOf(block);
        if (config) found = { config, block: block.getHeader()!.getNumber() };
        return found !== undefined;
      });
      if (!found) throw new Error('the block stream ended before the configuration block');
      return found;
    });
  }

  /** Resolves once every peer of every org has committed block `number`; a peer that has not within `timeoutMs` fails it, by name. */
  async awaitOnPeers(number: number, timeoutMs: number): Promise<void> {
    const peers = this.description.orgs.flatMap((org) =>
      org.peers.map((p) => ({ ...p, tlsRootCert: org.tlsRootCert })),
    );
    await Promise.all(
      peers.map(async (p) => {
        const client = this.connect(peer.DeliverClient, p.endpoint, p.tlsRootCert, p.hostnameOverride);
        // A peer delivers a block only once it has committed it (and so applied the configuration it carries).
        const blocks = await this.blocks(client.deliver(within(timeoutMs)), seek(number, number)).catch(
          (err: grpc.ServiceError) => {
            const why =
              err.code === grpc.status.DEADLINE_EXCEEDED
                ? `it has not committed block ${number} within ${timeoutMs / 1000} s`
                : err.message;
            throw new Error(`peer ${p.id} does not have the new channel configuration: ${why}`);
          },
        );
        if (blocks.length !== 1) throw new Error(`peer ${p.id} did not deliver block ${number}`);
      }),
    );
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }

  private connect<C extends grpc.Client>(
    Client: new (address: string, credentials: grpc.ChannelCredentials, options?: object) => C,
    endpoint: string,
    tlsRoot: string,
    hostname = 'localhost',
  ): C {
    const key = `${Client.name} ${endpoint}`;
    if (!this.clients.has(key)) {
      // Certificates name localhost; the override avoids grpc-js's deprecated TLS server name for IP addresses.
      this.clients.set(
        key,
        new Client(endpoint, grpc.credentials.createSsl(Buffer.from(tlsRoot)), {
          'grpc.ssl_target_name_override': hostname,
        }),
      );
    }
    return this.clients.get(key) as C;
  }

  /** Any orderer can answer (Raft forwards to its leader): try them in turn unless an error is an answer. */
  private async fromAnOrderer<T>(
    fn: (client: orderer.AtomicBroadcastClient) => Promise<T>,
    isAnswer: (err: unknown) => boolean = () => false,
  ): Promise<T> {
    const failures: string[] = [];
    for (const o of this.description.orderers) {
      try {
        return await fn(this.connect(orderer.AtomicBroadcastClient, o.endpoint, o.tlsRootCert));
      } catch (err) {
        if (isAnswer(err)) throw err;
        failures.push(`${o.id}: ${(err as Error).message}`);
      }
    }
    throw new Error(`no orderer answered: ${failures.join('; ')}`);
  }

  /** Sends a signed seek request and collects blocks until the stream ends or `done` says so. */
  private async blocks(
    call: DeliverCall,
    seekInfo: orderer.SeekInfo,
    done: (block: common.Block) => boolean = () => false,
  ): Promise<common.Block[]> {
    const request = await this.envelope(common.HeaderType.DELIVER_SEEK_INFO, seekInfo.serializeBinary());
    return new Promise((resolve, reject) => {
      const received: common.Block[] = [];
      let finished = false;
      const finish = (err?: Error) => {
        if (finished) return;
        finished = true;
        if (err) reject(err);
        else resolve(received);
      };
      call.on('data', (res: orderer.DeliverResponse | peer.DeliverResponse) => {
        const block = res.getBlock();
        if (block) {
          received.push(block);
          if (done(block)) {
            finish();
            call.cancel();
          }
          return;
        }
        call.end();
        if (res.getStatus() === common.Status.SUCCESS) finish();
        else finish(new Error(`deliver answered status ${res.getStatus()}`));
      });
      call.on('error', (err) => finish(err));
      call.on('end', () => finish());
      call.write(request);
    });
  }

  private signatureHeader(): Uint8Array {
    const header = new common.SignatureHeader();
    header.setCreator(this.creator);
    header.setNonce(crypto.randomBytes(24));
    return header.serializeBinary();
  }

  private async envelope(type: number, data: Uint8Array): Promise<common.Envelope> {
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(type);
    channelHeader.setChannelId(this.description.channel);
    channelHeader.setTimestamp(Timestamp.fromDate(new Date())); // the orderer refuses requests outside its time window
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(this.signatureHeader());
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(data);
    const payloadBytes = payload.serializeBinary();
    const envelope = new common.Envelope();
    envelope.setPayload(payloadBytes);
    envelope.setSignature(await this.sign(hash.sha256(payloadBytes)));
    return envelope;
  }
}

/** Seek from `start` (undefined: the newest block) to `stop` (default: the same block). */
function seek(start: number | undefined, stop = start): orderer.SeekInfo {
  const position = (n: number | undefined) => {
    const p = new orderer.SeekPosition();
    if (n === undefined) p.setNewest(new orderer.SeekNewest());
    else {
      const s = new orderer.SeekSpecified();
      s.setNumber(n);
      p.setSpecified(s);
    }
    return p;
  };
  const info = new orderer.SeekInfo();
  info.setStart(position(start));
  info.setStop(position(stop));
  info.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  return info;
}

/** Fabric 2.x orderers record the last configuration block in the SIGNATURES metadata (OrdererBlockMetadata). */
function lastConfigIndex(block: common.Block): number {
  const signatures = common.Metadata.deserializeBinary(
    block.getMetadata()!.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES],
  );
  return common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8()).getLastConfig()!.getIndex();
}

/** The configuration a block carries, if it is a configuration block. */
export function configOf(block: common.Block): common.Config | undefined {
  const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  if (channelHeader.getType() !== common.HeaderType.CONFIG) return undefined;
  return common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
}
