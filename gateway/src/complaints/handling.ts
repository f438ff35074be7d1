import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { Ledger } from '../ledger/ledger';
import type { IdentityService } from '../identity/identity-service';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import type { ReadModel, ReadModelDocument } from '../projection/read-model';
import { pageBy, view } from '../shared/read-queries';
import { tokens } from '../shared/text-search';
import { addWorkingDays, todayInShenzhen } from '../shared/working-days';
import type { ComplaintCategory } from '@luohu/domain';
import { serviceOf } from './catalogue';
import type { ComplaintStore, PrivateComplaint } from './private-store';
import { newSalt, saltedHash } from './secrets';
import { LedgerComplaint, staffView } from './views';
import { COMPLAINT_DISPATCH_OFFICE, HOUSING, belongsTo } from '@luohu/domain';

/**
 * Who may see the citizen's phone and email: clerks and directors of the Housing bureau in the unit the complaint is
 * assigned to, or in the dispatch office (which must call back to dispatch). Never another bureau's staff, never another unit.
 */
export function mayReadContact(
  user: Pick<AuthenticatedUser, 'mspId' | 'role' | 'dept'>,
  complaint: { assignedUnit?: unknown },
): boolean {
  if (user.role !== 'clerk' && user.role !== 'director') return false;
  if (user.mspId !== HOUSING || !belongsTo(user.dept, user.mspId)) return false;
  return (
    user.dept === COMPLAINT_DISPATCH_OFFICE ||
    (typeof complaint.assignedUnit === 'string' && user.dept === complaint.assignedUnit)
  );
}

/** Filters of the staff list of complaints (status, unit, category, words of the text) and its page. */
export interface StaffListQuery {
  status?: string;
  unit?: string;
  category?: string;
  q?: string;
  limit: number;
  after?: string;
}

/**
 * Text search is a second, bounded lookup: the off-chain tokens give at most this many ids to filter the read model by.
 */
const MAX_TEXT_MATCHES = 500;

/**
 * The staff side: dispatch deadlines, answers kept off-chain, lists from the read model, verification against the
 * ledger.
 */
export class ComplaintHandling {
  constructor(
    private readonly deps: {
      store: ComplaintStore;
      readModel: ReadModel;
      ledger: Ledger;
      identities: IdentityService;
      now: () => Date;
    },
  ) {}

  private get complaints() {
    return this.deps.readModel.model('complaint');
  }

  /** The complaint as the ledger has it, from a peer that holds every write acknowledged so far (drafts rest on it). */
  async ledgerRecord(user: Pick<AuthenticatedUser, '_id'>, id: string): Promise<LedgerComplaint> {
    const reader = await this.deps.identities.reader(user._id);
    return JSON.parse(
      await this.deps.ledger.evaluate(reader, 'complaint', 'readComplaint', [id], { latest: true }),
    ) as LedgerComplaint;
  }

  async privateRecord(id: string): Promise<PrivateComplaint | null> {
    return this.deps.store.Private.findById(id).lean<PrivateComplaint>();
  }

  /** The unit (default: the service's usual unit) and the working-day deadline for a dispatch. */
  async dispatchPlan(
    id: string,
    unit: string | undefined,
    workingDays: number | undefined,
  ): Promise<{ unit: string; deadline: string }> {
    const record = await this.privateRecord(id);
    const category = (record?.category ??
      (await this.complaints.findById(id).lean<ReadModelDocument>())?.category ??
      'other') as ComplaintCategory;
    const service = serviceOf(category);
    return {
      unit: unit ?? service.unit,
      deadline: addWorkingDays(todayInShenzhen(this.deps.now()), workingDays ?? service.workingDays),
    };
  }

  /**
   * Keeps the answer text off-chain and returns its salted hash for the ledger. The unit is checked against the
   * ledger first (the chaincode checks again), so a clerk of another unit leaves no draft behind.
   */
  async draftAnswer(user: AuthenticatedUser, id: string, text: string): Promise<string> {
    const complaint = await this.ledgerRecord(user, id);
    if (!complaint.assignedUnit || complaint.assignedUnit !== user.dept || !belongsTo(user.dept, user.mspId)) {
      throw new ForbiddenError(
        `complaint ${id} is assigned to ${complaint.assignedUnit ?? '(no unit)'}; a clerk of department ${user.dept ?? '(none)'} cannot answer it`,
      );
    }
    const salt = newSalt();
    const hash = saltedHash(salt, text);
    const updated = await this.deps.store.Private.updateOne(
      { _id: id },
      { $push: { answers: { hash, salt, text, by: user._id, at: this.deps.now() } } },
    );
    if (updated.matchedCount === 0)
      throw new NotFoundError(`complaint ${id} has no off-chain record to keep the answer with`);
    return hash;
  }

  async list(query: StaffListQuery) {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.unit) filter.assignedUnit = query.unit;
    if (query.category) filter.category = query.category;
    let after = query.after;
    if (query.q) {
      const words = tokens(query.q);
      if (words.length === 0) return { items: [], next: null };
      const matches = await this.deps.store.Private.find(
        { tokens: { $all: words }, ...(after ? { _id: { $gt: after } } : {}) },
        { _id: 1 },
      )
        .sort({ _id: 1 })
        .limit(MAX_TEXT_MATCHES)
        .lean<Array<{ _id: string }>>();
      filter._id = { $in: matches.map((m) => m._id) };
      after = undefined; // already applied to the id list (pageBy's own _id bound would replace the $in)
    }
    const page = await pageBy(this.complaints, filter, query.limit, after);
    const texts = await this.deps.store.Private.find(
      { _id: { $in: page.items.map((i) => String(i.id)) } },
      { 'content.description': 1, 'content.media_url': 1 },
    ).lean<Array<Pick<PrivateComplaint, '_id' | 'content'>>>();
    const content = new Map(texts.map((t) => [t._id, t.content]));
    return {
      items: page.items.map((i) => ({
        ...i,
        description: content.get(String(i.id))?.description ?? null,
        media_url: content.get(String(i.id))?.media_url ?? null,
      })),
      next: page.next,
    };
  }

  async detail(id: string, source: 'read-model' | 'ledger', user: AuthenticatedUser) {
    const record =
      source === 'ledger'
        ? await this.ledgerRecord(user, id)
        : await this.complaints.findById(id).lean<ReadModelDocument>();
    if (!record) throw new NotFoundError(`complaint ${id} does not exist`);
    const ledgerFields =
      source === 'ledger' ? (record as unknown as Record<string, unknown>) : view(record as ReadModelDocument);
    return staffView(ledgerFields, await this.privateRecord(id), mayReadContact(user, ledgerFields));
  }

  /** Recomputes the salted hashes from the off-chain text and compares them with what the ledger holds now. */
  async verify(user: AuthenticatedUser, id: string) {
    const [complaint, record] = await Promise.all([this.ledgerRecord(user, id), this.privateRecord(id)]);
    if (!record) throw new NotFoundError(`complaint ${id} has no off-chain record`);
    const answer = complaint.answerHash ? (record.answers.find((a) => a.hash === complaint.answerHash) ?? null) : null;
    return {
      id,
      content: {
        ledgerHash: complaint.contentHash,
        recomputed: saltedHash(record.salt, record.content),
        matches: saltedHash(record.salt, record.content) === complaint.contentHash,
      },
      answer: complaint.answerHash
        ? {
            ledgerHash: complaint.answerHash,
            recomputed: answer ? saltedHash(answer.salt, answer.text) : null,
            matches: answer !== null && saltedHash(answer.salt, answer.text) === complaint.answerHash,
          }
        : null,
    };
  }
}
