/**
 * A device's key, made and kept on the device: ECDSA P-256 in WebCrypto (the same code runs in a browser, where the
 * key can be non-extractable). Nothing here talks to the gateway.
 */
import type { webcrypto } from 'node:crypto';
import { x509 } from '../platform/x509';

/** A WebCrypto key (node's webcrypto), by the name browser code knows it. */
export type CryptoKey = webcrypto.CryptoKey;
/** A device's WebCrypto key pair (see newKeyPair). */
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

// The platform's WebCrypto (Node's global, or the browser's): the web app signs with this same module. Typed as
// Node's, like CryptoKey above: where the DOM library is in the program, the global is typed by it, and its KeyUsage
// lacks the usages Node 24 added (ML-KEM's "encapsulateBits"…), so its methods would not take Node's keys.
const subtle: webcrypto.SubtleCrypto = globalThis.crypto.subtle as webcrypto.SubtleCrypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A new key pair; extractable only when it must be saved to a key file (a script's device). */
export function newKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return subtle.generateKey(EC, extractable, ['sign', 'verify']);
}

/** The PKCS#10 request for the bureau's CA: subject CN = the enrollment ID, signed by the key it carries. */
export async function certificateRequest(keys: CryptoKeyPair, enrollmentId: string): Promise<string> {
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [enrollmentId] }],
    keys: keys as unknown as Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]['keys'],
    signingAlgorithm: SIGN,
  });
  return request.toString('pem');
}

/** ECDSA P-256 with SHA-256 over the bytes, base64 of r‖s (the gateway accepts it and normalises it to Fabric's form). */
export async function signBytes(privateKey: CryptoKey, bytes: Uint8Array): Promise<string> {
  return toBase64(new Uint8Array(await subtle.sign(SIGN, privateKey, bytes as Uint8Array<ArrayBuffer>)));
}

/** A key file (PKCS#8 PEM) for a device whose key lives on disk. */
export async function exportPrivateKey(privateKey: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
}

/** A device's private key from its PKCS#8 PEM (as the simulator stores it), usable only to sign and not exportable. */
export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  return subtle.importKey('pkcs8', der, EC, false, ['sign']);
}

/** Base64 of bytes, with the platform's btoa (Node and browsers alike). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** The bytes of base64 text, with the platform's atob (Node and browsers alike). */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
