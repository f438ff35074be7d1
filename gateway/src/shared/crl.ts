/**
 * Certificate revocation lists as an MSP carries them (`revocation_list`, PEM): the serials each CA revoked. Node has
 * no CRL parser, and a CRL is small and fixed in shape, so it is read here from its DER (RFC 5280 §5.1). Here, below
 * the domains, because identity/ publishes CRLs into the channel configuration and evidence/ checks identities
 * against them; only node:crypto and ./der, so the offline evidence verifier may load it.
 */
import crypto from 'node:crypto';
import { is, octets, readDer, TAG, UNIVERSAL, type Tlv } from './der';

/** A CRL whose signature was checked: the CA that signed it and the serials it revokes. */
export interface RevocationList {
  issuer: crypto.X509Certificate;
  serials: Set<string>;
}

/** What a CRL says before anyone checked who signed it: its issuer's name (hex of the DER) and the revoked serials. */
export interface CrlContents {
  issuer: string;
  serials: Set<string>;
}

/** A serial number as lower-case hex without leading zeros (X509Certificate.serialNumber's form, normalised). */
export const normaliseSerial = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

const HASH_OF_OID: Record<string, string> = {
  '2a8648ce3d040302': 'sha256',
  '2a8648ce3d040303': 'sha384',
  '2a864886f70d01010b': 'sha256',
  '2a864886f70d01010c': 'sha384',
};

interface ParsedCrl {
  der: Buffer;
  tbs: Tlv;
  algorithm: Tlv;
  signature: Tlv;
  contents: CrlContents;
}

function parseCrl(bytes: Uint8Array): ParsedCrl {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  const der = text.includes('-----BEGIN')
    ? Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
    : buffer;
  const outer = readDer(der);
  const [tbs, algorithm, signature] = outer.children;
  if (
    !is(outer, UNIVERSAL, TAG.sequence) ||
    !is(tbs, UNIVERSAL, TAG.sequence) ||
    !is(algorithm, UNIVERSAL, TAG.sequence) ||
    !is(signature, UNIVERSAL, TAG.bitString)
  )
    throw new Error('CRL: not a CertificateList');
  const fields = tbs.children;
  const version = is(fields[0], UNIVERSAL, TAG.integer) ? 1 : 0; // optional
  const issuer = fields[version + 1];
  let i = version + 3; // past signature algorithm, issuer, thisUpdate
  if (is(fields[i], UNIVERSAL, TAG.utcTime) || is(fields[i], UNIVERSAL, TAG.generalizedTime)) i++; // nextUpdate
  const serials = new Set<string>();
  if (is(fields[i], UNIVERSAL, TAG.sequence)) {
    for (const entry of fields[i].children)
      serials.add(normaliseSerial(octets(der, entry.children[0]).toString('hex')));
  }
  return {
    der,
    tbs,
    algorithm,
    signature,
    contents: { issuer: der.subarray(issuer.start, issuer.end).toString('hex'), serials },
  };
}

/**
 * Reads a PEM or DER CRL without checking its signature: for CRLs the gateway got from its own CA, or that the
 * channel configuration already carries (the orderer checked them against the MSP when they were put there).
 */
export function readCrlContents(bytes: Uint8Array): CrlContents {
  return parseCrl(bytes).contents;
}

/** Parses a PEM or DER CRL and returns its revoked serials, if `candidates` holds the CA whose signature it bears. */
export function readRevocationList(bytes: Buffer, candidates: crypto.X509Certificate[]): RevocationList {
  const { der, tbs, algorithm, signature, contents } = parseCrl(bytes);
  const hash = HASH_OF_OID[octets(der, algorithm.children[0]).toString('hex')];
  if (!hash) throw new Error('CRL: unsupported signature algorithm');
  const tbsBytes = der.subarray(tbs.start, tbs.end); // the whole tbsCertList TLV, as signed
  const sig = der.subarray(signature.contentStart + 1, signature.contentEnd); // skip the unused-bits byte
  const issuer = candidates.find((ca) => {
    try {
      return crypto.verify(hash, tbsBytes, ca.publicKey, sig);
    } catch {
      return false;
    }
  });
  if (!issuer) throw new Error('CRL: not signed by any CA of the MSP');
  return { issuer, serials: contents.serials };
}

/** Whether `cert` was issued by the list's CA and is on it. */
export function isRevoked(cert: crypto.X509Certificate, lists: RevocationList[]): boolean {
  const serial = normaliseSerial(cert.serialNumber);
  return lists.some((l) => l.serials.has(serial) && cert.checkIssued(l.issuer) && cert.verify(l.issuer.publicKey));
}
