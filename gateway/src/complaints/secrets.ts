import crypto from 'node:crypto';
import { canonicalJson } from '@luohu/domain';

/** SHA-256 of a text, hex. */
export const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
/** A fresh random salt (128 bits, hex) for a text whose hash goes on the ledger. */
export const newSalt = () => crypto.randomBytes(16).toString('hex');

/** The salted hash the ledger keeps: without the salt (off-chain) nobody can confirm a guessed text against it. */
export const saltedHash = (salt: string, content: unknown) =>
  sha256Hex(`${salt}\n${typeof content === 'string' ? content : canonicalJson(content)}`);

/** Purpose-bound keys derived from the gateway's key-encryption key (which never enters the database). */
export const derivedKey = (kek: Buffer, purpose: string) =>
  Buffer.from(crypto.hkdfSync('sha256', kek, Buffer.alloc(0), `luohu-complaints:${purpose}`, 32));

/**
 * The citizen's receipt token: an HMAC of the complaint id under a server key. The database keeps only its SHA-256,
 * so a copy of the database cannot act for a citizen, while a retried submission (same Idempotency-Key) can be
 * answered with the same token again.
 */
export const receiptToken = (key: Buffer, complaintId: string) =>
  crypto.createHmac('sha256', key).update(complaintId).digest('base64url');

/**
 * What the citizen's receipt proves to the chaincode: the rating proof is an HMAC of the complaint id under the token
 * (the token never leaves the gateway), and the ledger records at receipt only a hash of that proof. The formula is the
 * chaincode's `receiptCommitment` (chaincode/src/complaint/complaint.ts): rateComplaint refuses a proof that does not match.
 */
export const ratingProof = (token: string, complaintId: string) =>
  crypto.createHmac('sha256', token).update(`luohu-complaint-rating\0${complaintId}`).digest('hex');
/** What the ledger keeps of a receipt token: a commitment that proves the token without revealing it. */
export const receiptCommitment = (complaintId: string, proof: string) =>
  sha256Hex(`luohu-complaint-receipt\0${complaintId}\0${proof}`);

/** Compares two hex hashes in constant time (false when their lengths differ). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}
