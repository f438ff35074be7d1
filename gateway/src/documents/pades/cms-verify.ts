import crypto from 'node:crypto';
import { OID } from './cms';
import { CONTEXT, TAG, Tlv, UNIVERSAL, is, octets, oid, raw, readDer } from '../../shared/der';

/**
 * Checks a detached CMS SignedData against the bytes it signs: the message-digest attribute, the signature over
 * the signed attributes (exactly as encoded), and the ESS signing-certificate-v2 binding. RSA (PKCS#1 v1.5 and
 * PSS) and ECDSA signer keys.
 */

/** What checking one CMS SignedData found: digest, signature, signing certificate and its attributes. */
export interface CmsCheck {
  certificates: crypto.X509Certificate[];
  signer: crypto.X509Certificate | null;
  digestValid: boolean;
  signatureValid: boolean;
  signingCertificateV2Valid: boolean;
  signingTime: Date | null;
  problems: string[];
}

const HASHES: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';

interface CertificateFields {
  cert: crypto.X509Certificate;
  der: Buffer;
  issuer: Buffer;
  serial: Buffer;
  subjectKeyId: Buffer | null;
}

function certificateFields(data: Buffer, tlv: Tlv): CertificateFields {
  const der = Buffer.from(raw(data, tlv));
  const tbs = tlv.children[0].children;
  const first = is(tbs[0], CONTEXT, 0) ? 1 : 0;
  let subjectKeyId: Buffer | null = null;
  const extensions = tbs.find((t) => is(t, CONTEXT, 3))?.children[0]?.children ?? [];
  for (const extension of extensions) {
    if (oid(data, extension.children[0]) === '2.5.29.14') {
      const value = octets(data, extension.children[extension.children.length - 1]);
      const inner = readDer(value);
      subjectKeyId = value.subarray(inner.contentStart, inner.contentEnd);
    }
  }
  return {
    cert: new crypto.X509Certificate(der),
    der,
    serial: raw(data, tbs[first]),
    issuer: raw(data, tbs[first + 2]),
    subjectKeyId,
  };
}

function attributes(data: Buffer, signedAttrs: Tlv | undefined): Map<string, Tlv[]> {
  const map = new Map<string, Tlv[]>();
  for (const attribute of signedAttrs?.children ?? [])
    map.set(oid(data, attribute.children[0]), attribute.children[1].children);
  return map;
}

/** Checks a detached CMS signature over the signed bytes (the PDF's byte range) with its embedded certificate. */
export function checkCms(cms: Buffer, signedBytes: Buffer[]): CmsCheck {
  const result: CmsCheck = {
    certificates: [],
    signer: null,
    digestValid: false,
    signatureValid: false,
    signingCertificateV2Valid: false,
    signingTime: null,
    problems: [],
  };
  const contentInfo = readDer(cms);
  if (oid(cms, contentInfo.children[0]) !== OID.signedData) throw new Error('the signature is not a CMS SignedData');
  const signedData = contentInfo.children[1].children[0].children;
  const certificates =
    signedData
      .find((t) => is(t, CONTEXT, 0))
      ?.children.filter((t) => is(t, UNIVERSAL, TAG.sequence))
      .map((t) => certificateFields(cms, t)) ?? [];
  result.certificates = certificates.map((c) => c.cert);
  const signerInfos = signedData[signedData.length - 1];
  if (!is(signerInfos, UNIVERSAL, TAG.set) || signerInfos.children.length === 0)
    throw new Error('the CMS has no SignerInfo');
  if (signerInfos.children.length > 1)
    result.problems.push('the CMS has more than one SignerInfo: only the first is checked');
  const [, sid, digestAlgorithm, ...rest] = signerInfos.children[0].children;
  const signedAttrs = is(rest[0], CONTEXT, 0) ? rest.shift() : undefined;
  const [signatureAlgorithm, signatureValue] = rest;

  const signer = is(sid, CONTEXT, 0)
    ? certificates.find((c) => c.subjectKeyId?.equals(cms.subarray(sid.contentStart, sid.contentEnd)))
    : certificates.find(
        (c) => c.issuer.equals(raw(cms, sid.children[0])) && c.serial.equals(raw(cms, sid.children[1])),
      );
  if (!signer) {
    result.problems.push("the signer's certificate is not in the CMS");
    return result;
  }
  result.signer = signer.cert;

  const hash = HASHES[oid(cms, digestAlgorithm.children[0])];
  if (!hash) {
    result.problems.push(`unsupported digest algorithm ${oid(cms, digestAlgorithm.children[0])}`);
    return result;
  }
  const contentDigest = signedBytes.reduce((h, chunk) => h.update(chunk), crypto.createHash(hash)).digest();
  const attrs = attributes(cms, signedAttrs);
  let signed: Buffer;
  if (signedAttrs) {
    const messageDigest = attrs.get(OID.messageDigest)?.[0];
    result.digestValid = !!messageDigest && octets(cms, messageDigest).equals(contentDigest);
    if (attrs.get(OID.contentType)?.[0] && oid(cms, attrs.get(OID.contentType)![0]) !== OID.data)
      result.problems.push('the signed content type is not id-data');
    signed = Buffer.from(raw(cms, signedAttrs));
    signed[0] = 0x31; // signed as a SET OF, carried as [0] IMPLICIT
    const time = attrs.get(OID.signingTime)?.[0];
    if (time)
      result.signingTime = asn1Time(cms.toString('latin1', time.contentStart, time.contentEnd), time.tag === 23);
  } else {
    signed = Buffer.concat(signedBytes); // no attributes: the signature is over the content itself
  }

  const algorithm = oid(cms, signatureAlgorithm.children[0]);
  const signature = octets(cms, signatureValue);
  try {
    const key =
      algorithm === RSA_PSS
        ? {
            key: signer.cert.publicKey,
            padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
            saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO,
          }
        : signer.cert.publicKey;
    result.signatureValid = crypto.verify(hash, signed, key, signature);
  } catch (err) {
    result.problems.push(`the signature could not be checked: ${(err as Error).message}`);
  }
  if (!signedAttrs) result.digestValid = result.signatureValid;

  result.signingCertificateV2Valid = signingCertificateMatches(cms, attrs.get(OID.signingCertificateV2)?.[0], signer);
  return result;
}

/** ESS signing-certificate-v2 (RFC 5035): the first ESSCertIDv2 names the signer's certificate. */
function signingCertificateMatches(cms: Buffer, value: Tlv | undefined, signer: CertificateFields): boolean {
  const certId = value?.children[0]?.children[0];
  if (!certId) return false;
  let [hashAlgorithm, certHash, issuerSerial] = certId.children;
  if (is(hashAlgorithm, UNIVERSAL, TAG.octetString))
    [hashAlgorithm, certHash, issuerSerial] = [undefined as unknown as Tlv, hashAlgorithm, certHash];
  const hash = hashAlgorithm ? HASHES[oid(cms, hashAlgorithm.children[0])] : 'sha256';
  if (!hash || !octets(cms, certHash).equals(crypto.createHash(hash).update(signer.der).digest())) return false;
  if (!issuerSerial) return true;
  const directoryName = issuerSerial.children[0].children.find((name) => is(name, CONTEXT, 4));
  return (
    !!directoryName &&
    raw(cms, directoryName.children[0]).equals(signer.issuer) &&
    raw(cms, issuerSerial.children[1]).equals(signer.serial)
  );
}

function asn1Time(text: string, utc: boolean): Date | null {
  const m = (
    utc ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/ : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/
  ).exec(text);
  if (!m) return null;
  const year = utc ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}
