import mongoose, { Schema } from 'mongoose';

import type { Role } from '@luohu/domain';
import type { AuthenticatedUser } from '../platform/authenticated-user';

/** Roles people and devices hold (the domain package's list); the chaincode decides what each may do. */
export { ROLES } from '@luohu/domain';
export type { Role } from '@luohu/domain';

/** A person or device as stored: the public part every caller is known by, and the secrets that sign them in. */
export interface UserRecord extends Omit<AuthenticatedUser, 'custody'> {
  /** The identity's ID at its bureau's CA (the username, except for gateway-operated identities). */
  enrollmentId?: string;
  passwordHash: string;
  /** The CA-issued certificate; null for a device until it enrolls its own key (identity/enrollment.ts). */
  certificate: string | null;
  /** The private key sealed under the gateway's key; absent for identities that hold their own key (devices). */
  sealedKey?: string | null;
  enrolledAt?: Date;
  createdBy: string;
  createdAt: Date;
  revokedAt?: Date;
  /** When the CA's CRL listing this user reached the channel configuration, and in which configuration block. */
  crlPublishedAt?: Date;
  crlBlock?: number;
}

/** A signed-in session: the token's hash, whose it is, and until when. */
export interface SessionRecord {
  _id: string; // sha256 of the token: a leaked database does not leak usable tokens
  userId: string;
  /**
   * Who the user was at sign-in, written by sessions made before issue 10. No longer written nor trusted: a database
   * writer could edit it; authentication reads the user's certificate instead.
   */
  user?: {
    _id: string;
    org: string;
    mspId: string;
    role: Role;
    dept: string | null;
    company?: string | null;
    displayName: string;
    status: 'active' | 'revoked';
  };
  expiresAt: Date;
  createdAt: Date;
}

/** The users and sessions collections on this connection (models registered once per connection). */
export function identityModels(connection: mongoose.Connection) {
  const User =
    connection.models.User ??
    connection.model<UserRecord>(
      'User',
      new Schema<UserRecord>(
        {
          _id: String,
          enrollmentId: String,
          org: { type: String, required: true },
          mspId: { type: String, required: true },
          role: { type: String, required: true },
          dept: { type: String, default: null },
          company: { type: String, default: null },
          displayName: { type: String, required: true },
          passwordHash: { type: String, required: true },
          certificate: { type: String, default: null },
          sealedKey: { type: String, default: null },
          enrolledAt: Date,
          status: { type: String, required: true },
          createdBy: { type: String, required: true },
          createdAt: { type: Date, required: true },
          revokedAt: Date,
          crlPublishedAt: Date,
          crlBlock: Number,
        },
        { collection: 'users', versionKey: false },
      ),
    );
  const Session =
    connection.models.Session ??
    connection.model<SessionRecord>(
      'Session',
      new Schema<SessionRecord>(
        {
          _id: String,
          userId: { type: String, required: true },
          user: { type: Schema.Types.Mixed },
          expiresAt: { type: Date, required: true },
          createdAt: { type: Date, required: true },
        },
        { collection: 'sessions', versionKey: false },
      ),
    );
  return { User: User as mongoose.Model<UserRecord>, Session: Session as mongoose.Model<SessionRecord> };
}
