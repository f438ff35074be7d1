/**
 * The channel configuration a verifier trusts, read from a config block: each organisation's MSP (root and
 * intermediate CAs, NodeOU identifiers) and the policy tree; and Fabric's two policy kinds evaluated over signed data
 * (signature policies with MSP principals, implicit-meta policies over sub-groups), as the peer and orderer do.
 */
import crypto from 'node:crypto';
import { ChannelHeader, Envelope, Payload } from '@hyperledger/fabric-protos/lib/common/common_pb';
import { ConfigEnvelope, ConfigGroup, ConfigPolicy } from '@hyperledger/fabric-protos/lib/common/configtx_pb';
import {
  ImplicitMetaPolicy,
  Policy,
  SignaturePolicy,
  SignaturePolicyEnvelope,
} from '@hyperledger/fabric-protos/lib/common/policies_pb';
import { FabricMSPConfig, MSPConfig } from '@hyperledger/fabric-protos/lib/msp/msp_config_pb';
import { MSPPrincipal, MSPRole } from '@hyperledger/fabric-protos/lib/msp/msp_principal_pb';
import { isRevoked, readRevocationList, RevocationList } from '../shared/crl';
import { parseBlock, parseIdentity } from './fabric';

/** The NodeOU roles a Fabric MSP gives identities. */
export type NodeRole = 'client' | 'peer' | 'admin' | 'orderer';

/** A channel member's MSP as its configuration describes it: roots, intermediates, CRLs and NodeOUs. */
export interface Msp {
  id: string;
  roots: crypto.X509Certificate[];
  intermediates: crypto.X509Certificate[];
  /** NodeOU name of each role, when NodeOUs are enabled. */
  nodeOus: Partial<Record<NodeRole, string>> | null;
  /** The MSP's CRLs, each checked against the CA that signed it. */
  revocations: RevocationList[];
}

/** A policy node: Signature (an envelope) or ImplicitMeta (rule over the same-named policy of each sub-group). */
type PolicyNode =
  | { kind: 'signature'; envelope: SignaturePolicyEnvelope }
  | { kind: 'implicit'; rule: 'ANY' | 'ALL' | 'MAJORITY'; subPolicy: string };

interface Group {
  policies: Map<string, PolicyNode>;
  groups: Map<string, Group>;
}

/** A signature to weigh against a policy: who (SerializedIdentity bytes), over what, with which signature. */
export interface SignedData {
  identity: Buffer;
  data: Buffer;
  signature: Buffer;
}

/** An identity that a channel MSP vouches for. */
export interface ValidIdentity {
  mspId: string;
  roles: Set<NodeRole>;
  publicKey: crypto.KeyObject;
  bytes: Buffer;
  cert: crypto.X509Certificate;
}

/** Bytes from a config value that is base64 text or already bytes. */
const u8 = (v: Uint8Array | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(v));
const IMPLICIT_RULES = ['ANY', 'ALL', 'MAJORITY'] as const;
const ROLE_OF_PRINCIPAL: Record<number, NodeRole | 'member'> = {
  0: 'member',
  1: 'admin',
  2: 'client',
  3: 'peer',
  4: 'orderer',
};

function readGroup(g: ConfigGroup): Group {
  const policies = new Map<string, PolicyNode>();
  g.getPoliciesMap().forEach((cp: ConfigPolicy, name: string) => {
    const p = cp.getPolicy();
    if (!p) return;
    if (p.getType() === Policy.PolicyType.SIGNATURE)
      policies.set(name, { kind: 'signature', envelope: SignaturePolicyEnvelope.deserializeBinary(p.getValue_asU8()) });
    else if (p.getType() === Policy.PolicyType.IMPLICIT_META) {
      const m = ImplicitMetaPolicy.deserializeBinary(p.getValue_asU8());
      policies.set(name, { kind: 'implicit', rule: IMPLICIT_RULES[m.getRule()], subPolicy: m.getSubPolicy() });
    }
  });
  const groups = new Map<string, Group>();
  g.getGroupsMap().forEach((sub: ConfigGroup, name: string) => groups.set(name, readGroup(sub)));
  return { policies, groups };
}

function readMsps(g: ConfigGroup, into: Map<string, Msp>): void {
  const value = g.getValuesMap().get('MSP');
  if (value) {
    const conf = MSPConfig.deserializeBinary(value.getValue_asU8());
    if (conf.getType() === 0) {
      const f = FabricMSPConfig.deserializeBinary(conf.getConfig_asU8());
      const ous = f.getFabricNodeOus();
      const roots = f.getRootCertsList_asU8().map((c) => new crypto.X509Certificate(Buffer.from(c)));
      const intermediates = f.getIntermediateCertsList_asU8().map((c) => new crypto.X509Certificate(Buffer.from(c)));
      into.set(f.getName(), {
        id: f.getName(),
        roots,
        intermediates,
        nodeOus: ous?.getEnable()
          ? {
              client: ous.getClientOuIdentifier()?.getOrganizationalUnitIdentifier(),
              peer: ous.getPeerOuIdentifier()?.getOrganizationalUnitIdentifier(),
              admin: ous.getAdminOuIdentifier()?.getOrganizationalUnitIdentifier(),
              orderer: ous.getOrdererOuIdentifier()?.getOrganizationalUnitIdentifier(),
            }
          : null,
        revocations: f
          .getRevocationListList_asU8()
          .map((crl) => readRevocationList(Buffer.from(crl), [...roots, ...intermediates])),
      });
    }
  }
  g.getGroupsMap().forEach((sub: ConfigGroup) => readMsps(sub, into));
}

/** OU values of a certificate's subject (Node prints one attribute per line, multi-valued RDNs joined by " + "). */
function organisationalUnits(cert: crypto.X509Certificate): string[] {
  return cert.subject
    .split(/\n| \+ /)
    .filter((a) => a.startsWith('OU='))
    .map((a) => a.slice(3));
}

/** Low-S rule (Fabric refuses malleable ECDSA signatures): s ≤ n/2. */
const HALF_ORDER: Record<string, bigint> = {
  prime256v1: 0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8n,
  secp384r1: 0x7fffffffffffffffffffffffffffffffffffffffffffffffe3b1a6c0fa1b96efac0d06d9245853bd76760cb5666294b9n,
};
function lowS(signature: Buffer, key: crypto.KeyObject): boolean {
  const half = HALF_ORDER[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!half) return true;
  try {
    // SEQUENCE { INTEGER r, INTEGER s }
    let at = 2 + (signature[1] & 0x80 ? signature[1] & 0x7f : 0);
    at += 2 + signature[at + 1];
    const sLen = signature[at + 1];
    return BigInt(`0x${signature.subarray(at + 2, at + 2 + sLen).toString('hex')}`) <= half;
  } catch {
    return false;
  }
}

/** An ECDSA or RSA signature with SHA-256 over the data, by this key (false on any error). */
export function verifySignature(key: crypto.KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return crypto.verify('sha256', data, key, signature) && lowS(signature, key);
  } catch {
    return false;
  }
}

/**
 * A parsed channel configuration. Identity checks are cached by the identity's bytes: a bench of many bundles of
 * one channel validates each peer's and orderer's certificate chain once.
 */
export class ChannelConfig {
  readonly msps = new Map<string, Msp>();
  private readonly root: Group;
  private readonly identities = new Map<string, ValidIdentity | string>();

  constructor(
    readonly blockNumber: bigint,
    readonly channel: string,
    readonly sequence: number,
    group: ConfigGroup,
  ) {
    readMsps(group, this.msps);
    this.root = readGroup(group);
  }

  /** The config block's transaction: data[0] is an envelope whose payload holds a ConfigEnvelope. */
  static fromBlock(bytes: Uint8Array): ChannelConfig {
    const block = parseBlock(bytes);
    const payload = Payload.deserializeBinary(Envelope.deserializeBinary(block.data[0]).getPayload_asU8());
    const configEnvelope = ConfigEnvelope.deserializeBinary(payload.getData_asU8());
    const config = configEnvelope.getConfig();
    if (!config?.getChannelGroup()) throw new Error(`block ${block.number} is not a config block`);
    const channel = ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getChannelId();
    return new ChannelConfig(block.number, channel, config.getSequence(), config.getChannelGroup()!);
  }

  /** MSP ids of the organisations in a group, e.g. ['Application'] → the bureaus, ['Orderer'] → the ordering org. */
  orgsOf(path: string[]): string[] {
    const g = this.group(path);
    return g ? [...g.groups.keys()].sort() : [];
  }

  private group(path: string[]): Group | undefined {
    let g: Group | undefined = this.root;
    for (const name of path) g = g?.groups.get(name);
    return g;
  }

  /**
   * Validates an identity against the channel's MSPs: a certificate chaining to the MSP's root, with its NodeOU roles.
   */
  identity(bytes: Buffer): ValidIdentity | string {
    const key = bytes.toString('base64');
    let result = this.identities.get(key);
    if (result === undefined) {
      result = this.validate(bytes);
      this.identities.set(key, result);
    }
    return result;
  }

  private validate(bytes: Buffer): ValidIdentity | string {
    let id;
    try {
      id = parseIdentity(bytes);
    } catch {
      return 'not a serialized identity';
    }
    const msp = this.msps.get(id.mspId);
    if (!msp) return `MSP ${id.mspId} is not in the channel configuration`;
    let cert: crypto.X509Certificate;
    try {
      cert = new crypto.X509Certificate(id.certPem);
    } catch {
      return `${id.mspId} identity has no X.509 certificate`;
    }
    if (cert.ca) return `${id.mspId} identity is a CA certificate`;
    const chained = this.chainsTo(cert, msp);
    if (!chained)
      return `certificate "${cert.subject.replace(/\n/g, ', ')}" does not chain to a root CA of ${id.mspId}`;
    if (isRevoked(cert, msp.revocations))
      return `certificate "${cert.subject.replace(/\n/g, ', ')}" (serial ${cert.serialNumber}) is revoked by a CRL of ${id.mspId}`;
    const roles = new Set<NodeRole>();
    if (msp.nodeOus) {
      const ous = organisationalUnits(cert);
      for (const role of ['client', 'peer', 'admin', 'orderer'] as const)
        if (msp.nodeOus[role] && ous.includes(msp.nodeOus[role]!)) roles.add(role);
      if (roles.size !== 1)
        return `${id.mspId} certificate must carry exactly one NodeOU role (client, peer, admin, orderer), has ${roles.size}`;
    }
    return { mspId: id.mspId, roles, publicKey: cert.publicKey, bytes, cert };
  }

  private chainsTo(cert: crypto.X509Certificate, msp: Msp, depth = 0): boolean {
    if (depth > 4) return false;
    for (const root of msp.roots) if (cert.checkIssued(root) && cert.verify(root.publicKey)) return true;
    for (const mid of msp.intermediates)
      if (cert.checkIssued(mid) && cert.verify(mid.publicKey) && this.chainsTo(mid, msp, depth + 1)) return true;
    return false;
  }

  /**
   * Fabric's evaluation of signed data against a policy: identities deduplicated, each signature verified (invalid
   * ones do not count), then the policy evaluated; each identity satisfies at most one principal.
   */
  evaluate(policyPath: string, signed: SignedData[]): { ok: boolean; signers: ValidIdentity[]; rejected: string[] } {
    const seen = new Set<string>();
    const signers: ValidIdentity[] = [];
    const rejected: string[] = [];
    for (const s of signed) {
      const key = s.identity.toString('base64');
      if (seen.has(key)) continue;
      seen.add(key);
      const id = this.identity(s.identity);
      if (typeof id === 'string') {
        rejected.push(id);
        continue;
      }
      if (!verifySignature(id.publicKey, s.data, s.signature)) {
        rejected.push(`${id.mspId} signature does not verify`);
        continue;
      }
      signers.push(id);
    }
    return { ok: this.policySatisfied(policyPath, signers), signers, rejected };
  }

  policySatisfied(policyPath: string, signers: ValidIdentity[]): boolean {
    const parts = policyPath
      .replace(/^\/Channel\/?/, '')
      .split('/')
      .filter(Boolean);
    const name = parts.pop()!;
    return this.evalPolicy(this.group(parts), name, signers);
  }

  private evalPolicy(group: Group | undefined, name: string, signers: ValidIdentity[]): boolean {
    const node = group?.policies.get(name);
    if (!group || !node) return false;
    if (node.kind === 'signature') return satisfies(node.envelope, signers);
    const results = [...group.groups.values()].map((sub) => this.evalPolicy(sub, node.subPolicy, signers));
    const count = results.filter(Boolean).length;
    if (node.rule === 'ANY') return count >= 1;
    if (node.rule === 'ALL') return count === results.length;
    return count > Math.floor(results.length / 2);
  }
}

const principalRoles = new WeakMap<MSPPrincipal, { mspId: string; wanted: NodeRole | 'member' } | null>();
/** An MSP principal's (MSP, role), decoded once per principal object; null for kinds other than ROLE. */
function roleOf(p: MSPPrincipal): { mspId: string; wanted: NodeRole | 'member' } | null {
  let role = principalRoles.get(p);
  if (role === undefined) {
    if (p.getPrincipalClassification() !== MSPPrincipal.Classification.ROLE) role = null;
    else {
      const r = MSPRole.deserializeBinary(p.getPrincipal_asU8());
      role = { mspId: r.getMspIdentifier(), wanted: ROLE_OF_PRINCIPAL[r.getRole()] };
    }
    principalRoles.set(p, role);
  }
  return role;
}

/** A SignaturePolicyEnvelope (e.g. a key-level validation parameter) against validated signers. */
export function satisfies(envelope: SignaturePolicyEnvelope, signers: ValidIdentity[]): boolean {
  const principals = envelope.getIdentitiesList();
  const matches = (p: MSPPrincipal, id: ValidIdentity): boolean => {
    const role = roleOf(p);
    return !!role && role.mspId === id.mspId && (role.wanted === 'member' || id.roles.has(role.wanted));
  };
  const used = signers.map(() => false);
  const walk = (rule: SignaturePolicy, usedNow: boolean[]): boolean => {
    if (rule.getTypeCase() === SignaturePolicy.TypeCase.SIGNED_BY) {
      const p = principals[rule.getSignedBy()];
      const i = signers.findIndex((s, k) => !usedNow[k] && p && matches(p, s));
      if (i < 0) return false;
      usedNow[i] = true;
      return true;
    }
    const n = rule.getNOutOf();
    if (!n) return false;
    let verified = 0;
    for (const sub of n.getRulesList()) {
      const trial = [...usedNow];
      if (walk(sub, trial)) {
        verified++;
        trial.forEach((v, k) => (usedNow[k] = v));
      }
    }
    return verified >= n.getN();
  };
  return walk(envelope.getRule()!, used);
}

/** Describes a key-level policy for the report: "Housing AND Finance (PEER)". */
export function describeSignaturePolicy(envelope: SignaturePolicyEnvelope): string {
  const names = envelope.getIdentitiesList().map((p) => {
    const r = MSPRole.deserializeBinary(p.getPrincipal_asU8());
    return `${r.getMspIdentifier()}.${ROLE_OF_PRINCIPAL[r.getRole()]}`;
  });
  const show = (rule: SignaturePolicy): string => {
    if (rule.getTypeCase() === SignaturePolicy.TypeCase.SIGNED_BY) return names[rule.getSignedBy()] ?? '?';
    const n = rule.getNOutOf()!;
    return `${n.getN()}-of(${n.getRulesList().map(show).join(', ')})`;
  };
  return show(envelope.getRule()!);
}

export { SignaturePolicyEnvelope, u8 };
