/**
 * Certificate revocation lists as an MSP carries them (`revocation_list`, PEM): the serials each CA revoked. Node has
 * no CRL parser, and a CRL is small and fixed in shape, so it is read here from its DER (RFC 5280 §5.1); its signature
 * is checked against the CA that issued it before any serial counts.
 */
import crypto from 'node:crypto';
import { is, octets, readDer, TAG, UNIVERSAL } from '../shared/der';

export interface RevocationList { issuer: crypto.X509Certificate; serials: Set<string> }

/** A serial number as lower-case hex without leading zeros (X509Certificate.serialNumber's form, normalised). */
export const normaliseSerial = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

const HASH_OF_OID: Record<string, string> = {
  '2a8648ce3d040302': 'sha256', '2a8648ce3d040303': 'sha384', '2a864886f70d01010b': 'sha256', '2a864886f70d01010c': 'sha384',
};

/** Parses a PEM or DER CRL and returns its revoked serials, if `candidates` holds the CA whose signature it bears. */
export function readRevocationList(bytes: Buffer, candidates: crypto.X509Certificate[]): RevocationList {
  const text = bytes.toString('latin1');
  const der = text.includes('-----BEGIN') ? Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64') : bytes;
  const outer = readDer(der);
  const [tbs, algorithm, signature] = outer.children;
  if (!is(outer, UNIVERSAL, TAG.sequence) || !is(tbs, UNIVERSAL, TAG.sequence) || !is(algorithm, UNIVERSAL, TAG.sequence) || !is(signature, UNIVERSAL, TAG.bitString)) throw new Error('CRL: not a CertificateList');
  const hash = HASH_OF_OID[octets(der, algorithm.children[0]).toString('hex')];
  if (!hash) throw new Error('CRL: unsupported signature algorithm');
  const tbsBytes = der.subarray(tbs.start, tbs.end); // the whole tbsCertList TLV, as signed
  const sig = der.subarray(signature.contentStart + 1, signature.contentEnd); // skip the unused-bits byte
  const issuer = candidates.find((ca) => { try { return crypto.verify(hash, tbsBytes, ca.publicKey, sig); } catch { return false; } });
  if (!issuer) throw new Error('CRL: not signed by any CA of the MSP');
  const fields = tbs.children;
  let i = is(fields[0], UNIVERSAL, TAG.integer) ? 1 : 0; // version
  i += 3; // signature algorithm, issuer, thisUpdate
  if (is(fields[i], UNIVERSAL, TAG.utcTime) || is(fields[i], UNIVERSAL, TAG.generalizedTime)) i++; // nextUpdate
  const serials = new Set<string>();
  if (is(fields[i], UNIVERSAL, TAG.sequence)) {
    for (const entry of fields[i].children) serials.add(normaliseSerial(octets(der, entry.children[0]).toString('hex')));
  }
  return { issuer, serials };
}

/** Whether `cert` was issued by the list's CA and is on it. */
export function isRevoked(cert: crypto.X509Certificate, lists: RevocationList[]): boolean {
  const serial = normaliseSerial(cert.serialNumber);
  return lists.some((l) => l.serials.has(serial) && cert.checkIssued(l.issuer) && cert.verify(l.issuer.publicKey));
}
