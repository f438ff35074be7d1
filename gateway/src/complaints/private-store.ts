import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { ComplaintCategory } from '@luohu/domain';

/**
 * What stays off the ledger, in the gateway's database only: the citizen's text and exact place, optional contact
 * details, the salt of the content hash, the hash of the receipt token, answer texts. Never projected, never public.
 */
export interface ComplaintContent {
  description: string;
  address_string: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}
/**
 * A complainant's optional contact details: kept off-chain, shown only to the dispatch office and the assigned unit.
 */
export interface ComplaintContact {
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
}
/** An answer's text off-chain, with the salted hash the ledger keeps, who answered and when. */
export interface ComplaintAnswer {
  hash: string;
  salt: string;
  text: string;
  by: string;
  at: Date;
}

/** What the gateway keeps of a complaint off the ledger: the text, contact, photo, classification and answers. */
export interface PrivateComplaint {
  _id: string; // the ledger complaint id = Open311 service_request_id
  content: ComplaintContent;
  contact: ComplaintContact | null;
  salt: string;
  contentHash: string;
  /** SHA-256 of the citizen's receipt token: the token itself is never stored. */
  tokenHash: string;
  /** The service the citizen chose (null when left to the classifier) and what the classifier said. */
  requestedCode: ComplaintCategory | null;
  classification: { category: ComplaintCategory; scores: Record<string, number>; matched: string[] };
  category: ComplaintCategory;
  /** jieba tokens of the description and address, for staff text search ($all). */
  tokens: string[];
  /** The receiveComplaint argument, kept so that an Idempotency-Key retry sends exactly the same transaction. */
  ledgerArgument: string;
  requestHash: string;
  answers: ComplaintAnswer[];
  ratingComment: string | null;
  createdAt: Date;
}

/** The off-chain complaints collection (contact details and texts never go to the ledger or the read model). */
export function complaintStore(connection: mongoose.Connection) {
  const Private =
    (connection.models.ComplaintPrivate as mongoose.Model<PrivateComplaint>) ??
    connection.model<PrivateComplaint>(
      'ComplaintPrivate',
      new Schema<PrivateComplaint>(
        {
          _id: String,
          content: { type: Schema.Types.Mixed, required: true },
          contact: { type: Schema.Types.Mixed, default: null },
          salt: { type: String, required: true },
          contentHash: { type: String, required: true },
          tokenHash: { type: String, required: true },
          requestedCode: { type: String, default: null },
          classification: { type: Schema.Types.Mixed, required: true },
          category: { type: String, required: true },
          tokens: { type: [String], default: [] },
          ledgerArgument: { type: String, required: true },
          requestHash: { type: String, required: true },
          answers: { type: Schema.Types.Mixed, default: () => [] },
          ratingComment: { type: String, default: null },
          createdAt: { type: Date, required: true },
        },
        { collection: 'complaint_private', versionKey: false, minimize: false },
      ),
    );
  return { Private };
}

/** The model of the off-chain complaints collection. */
export type ComplaintStore = ReturnType<typeof complaintStore>;
