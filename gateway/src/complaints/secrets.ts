import crypto from 'node:crypto';
import { canonicalJson } from '@luohu/domain';


export const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
export const newSalt = () => crypto.randomBytes(16).toString('hex');

/** The salted hash the ledger keeps: without the salt (off-chain) nobody can confirm a guessed text against it. */
export const saltedHash = (salt: string, content: unknown) => sha256Hex(`${salt}\n${typeof content === 'string' ? content : canonicalJson(content)}`);

/** Purpose-bound keys derived from the gateway's key-encryption key (which never enters the database). */
export const derivedKey = (kek: Buffer, purpose: string) => Buffer.from(crypto.hkdfSync('sha256', kek, Buffer.alloc(0), `luohu-complaints:${purpose}`, 32));

/**
 * The citizen's receipt token: an HMAC of the complaint id under a server key. The database keeps only its SHA-256,
 * so a copy of the database cannot act for a citizen, while a retried submission (same Idempotency-Key) can be
 * answered with the same token again.
 */
export const receiptToken = (key: Buffer, complaintId: string) => crypto.createHmac('sha256', key).update(complaintId).digest('base64url');

/**
 * What the citizen's receipt proves to the chaincode: the rating proof is an HMAC of the complaint id under the token
 * (the token never leaves the gateway), and the ledger records at receipt only a hash of that proof. The formula is the
 * chaincode's `receiptCommitment` (chaincode/src/complaint/complaint.ts): rateComplaint refuses a proof that does not match.
 */
export const ratingProof = (token: string, complaintId: string) => crypto.createHmac('sha256', token).update(`luohu-complaint-rating\0${complaintId}`).digest('hex');
export const receiptCommitment = (complaintId: string, proof: string) => sha256Hex(`luohu-complaint-receipt\0${complaintId}\0${proof}`);

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}
