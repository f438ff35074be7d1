import crypto from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { fabricSignature, verifiesWith } from '../ledger/ecdsa-signature';
import { UnauthorizedError } from '../platform/errors';

/** A sign-in challenge as the gateway keeps it: only its hash, whose it is, and when it lapses; used once. */
interface ChallengeRecord {
  _id: string; // SHA-256 of the challenge, hex
  username: string;
  expiresAt: Date;
}

/** How long a challenge may wait for its signature. */
const CHALLENGE_TTL_MS = 2 * 60_000;

const hashOf = (challenge: string) => crypto.createHash('sha256').update(challenge).digest('hex');

/**
 * What the holder of a key signs to sign in: a fixed prefix (so that no proposal or envelope the gateway asks them to
 * sign can double as a sign-in, nor the reverse), their username and the gateway's one-time challenge.
 */
export function signInMessage(username: string, challenge: string): Buffer {
  return Buffer.from(`luohu-sign-in\n${username}\n${challenge}`, 'utf8');
}

/**
 * Sign-in by signature for people who hold their own key (no password): the gateway hands out a one-time challenge,
 * the user signs it with the key their certificate certifies. A challenge is spent by its first use, right or wrong,
 * so a captured signature signs nobody in again.
 */
export class KeySignIn {
  private readonly Challenge: mongoose.Model<ChallengeRecord>;

  constructor(connection: mongoose.Connection) {
    this.Challenge =
      (connection.models.SignInChallenge as mongoose.Model<ChallengeRecord>) ??
      connection.model<ChallengeRecord>(
        'SignInChallenge',
        new Schema<ChallengeRecord>(
          {
            _id: String,
            username: String,
            expiresAt: Date,
          },
          { collection: 'sign_in_challenges', versionKey: false },
        ),
      );
  }

  /**
   * A fresh challenge for `username`, whoever asks (an unknown user gets one too: the answer says nothing about who
   * exists). Lapsed challenges go as new ones come (FerretDB v1 does not expire documents).
   */
  async challenge(username: string): Promise<{ challenge: string; expiresAt: Date }> {
    const challenge = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    await this.Challenge.deleteMany({ expiresAt: { $lt: new Date() } });
    await this.Challenge.collection.insertOne({ _id: hashOf(challenge), username, expiresAt } as never);
    return { challenge, expiresAt };
  }

  /** Spends the challenge and checks the signature (DER or r‖s) with the certificate's key; 401 on any failure. */
  async verify(username: string, challenge: string, signature: string, certificate: string | null): Promise<void> {
    const spent = await this.Challenge.findOneAndDelete({ _id: hashOf(challenge) }).lean();
    const der = fabricSignature(Buffer.from(signature, 'base64'));
    const ok =
      spent !== null &&
      spent.username === username &&
      spent.expiresAt.getTime() > Date.now() &&
      der !== undefined &&
      certificate !== null &&
      verifiesWith(certificate, signInMessage(username, challenge), der);
    if (!ok)
      throw new UnauthorizedError(
        'the challenge is unknown, lapsed or used, or the signature does not verify with your certificate',
      );
  }
}
