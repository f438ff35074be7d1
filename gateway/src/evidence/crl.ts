/**
 * Certificate revocation lists as an MSP carries them (`revocation_list`, PEM): the serials each CA revoked. Node has
 * no CRL parser, and a CRL is small and fixed in shape, so it is read here from its DER (RFC 5280 §5.1); its signature
 * is checked against the CA that issued it before any serial counts.
 */
import crypto from 'node:crypto';

export interface RevocationList { issuer: crypto.X509Certificate; serials: Set<string> }

interface Tlv { tag: number; start: number; end: number; next: number }

function tlv(buf: Buffer, at: number): Tlv {
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[start + i];
    start += count;
  }
  if (start + len > buf.length) throw new Error('CRL: a value runs past the end');
  return { tag, start, end: start + len, next: start + len };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; at = out[out.length - 1].next) out.push(tlv(buf, at));
  return out;
}

/** A serial number as lower-case hex without leading zeros (X509Certificate.serialNumber's form, normalised). */
export const normaliseSerial = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

const HASH_OF_OID: Record<string, string> = {
  '2a8648ce3d040302': 'sha256', '2a8648ce3d040303': 'sha384', '2a864886f70d01010b': 'sha256', '2a864886f70d01010c': 'sha384',
};

/** Parses a PEM or DER CRL and returns its revoked serials, if `candidates` holds the CA whose signature it bears. */
export function readRevocationList(bytes: Buffer, candidates: crypto.X509Certificate[]): RevocationList {
  const text = bytes.toString('latin1');
  const der = text.includes('-----BEGIN') ? Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64') : bytes;
  const outer = tlv(der, 0);
  const [tbs, algorithm, signature] = children(der, outer);
  if (outer.tag !== 0x30 || tbs?.tag !== 0x30 || algorithm?.tag !== 0x30 || signature?.tag !== 0x03) throw new Error('CRL: not a CertificateList');
  const oid = children(der, algorithm)[0];
  const hash = HASH_OF_OID[der.subarray(oid.start, oid.end).toString('hex')];
  if (!hash) throw new Error('CRL: unsupported signature algorithm');
  const tbsBytes = der.subarray(outer.start, tbs.end); // the whole tbsCertList TLV (the first child starts the content)
  const sig = der.subarray(signature.start + 1, signature.end); // skip the unused-bits byte
  const issuer = candidates.find((ca) => { try { return crypto.verify(hash, tbsBytes, ca.publicKey, sig); } catch { return false; } });
  if (!issuer) throw new Error('CRL: not signed by any CA of the MSP');
  const fields = children(der, tbs);
  let i = fields[0].tag === 0x02 ? 1 : 0; // version
  i += 3; // signature algorithm, issuer, thisUpdate
  if (fields[i] && (fields[i].tag === 0x17 || fields[i].tag === 0x18)) i++; // nextUpdate
  const serials = new Set<string>();
  if (fields[i]?.tag === 0x30) {
    for (const entry of children(der, fields[i])) {
      const serial = children(der, entry)[0];
      serials.add(normaliseSerial(der.subarray(serial.start, serial.end).toString('hex')));
    }
  }
  return { issuer, serials };
}

/** Whether `cert` was issued by the list's CA and is on it. */
export function isRevoked(cert: crypto.X509Certificate, lists: RevocationList[]): boolean {
  const serial = normaliseSerial(cert.serialNumber);
  return lists.some((l) => l.serials.has(serial) && cert.checkIssued(l.issuer) && cert.verify(l.issuer.publicKey));
}
