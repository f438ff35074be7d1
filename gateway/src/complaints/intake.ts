import { canonicalJson } from '@luohu/domain';
import crypto from 'node:crypto';
import type { OperationRecord } from '../operations/models';
import type { AnchoredWrites } from '../operations/anchored-writes';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../platform/errors';
import { tokens } from '../shared/text-search';
import { addWorkingDays, todayInShenzhen } from '../shared/working-days';
import type { ComplaintCategory } from '@luohu/domain';
import { DISPATCH_WORKING_DAYS } from './catalogue';
import { classify } from './classifier';
import { coarseLocation } from './location';
import type { ComplaintContact, ComplaintContent, ComplaintStore, PrivateComplaint } from './private-store';
import type { RateLimit } from '../platform/rate-limit';
import { newSalt, ratingProof, receiptCommitment, receiptToken, saltedHash, sameHash, sha256Hex } from './secrets';
import { INTAKE_USER, SystemIdentities } from './system-identities';

/** An Open311 POST /requests body after validation. */
export interface Submission extends ComplaintContent, ComplaintContact {
  service_code: ComplaintCategory | null;
}

/** What a citizen is told after filing: the tracking number, the receipt token (shown once) and the ledger receipt. */
export interface Submitted {
  id: string;
  receiptToken: string;
  category: ComplaintCategory;
  location: string;
  deadline: string;
  operationId: string;
  receipt: OperationRecord['receipt'] | undefined;
  replayed: boolean;
}

/**
 * What intake needs: the off-chain store, the write path, the intake identity, the per-address rate limit, the receipt
 * key and a clock.
 */
export interface IntakeDeps {
  store: ComplaintStore;
  writes: AnchoredWrites;
  system: SystemIdentities;
  rateLimit: RateLimit;
  tokenKey: Buffer;
  now: () => Date;
}

/**
 * The public side of a complaint: anonymous submission (content and contact kept off-chain, a salted hash and the
 * coarse facts anchored by the intake system user), and what the citizen's receipt token allows (view, rate).
 */
export class ComplaintIntake {
  constructor(private readonly deps: IntakeDeps) {}

  async submit(submission: Submission, meta: { ip: string; idempotencyKey?: string }): Promise<Submitted> {
    const { store, writes, system, rateLimit, tokenKey } = this.deps;
    await rateLimit.take(meta.ip, meta.idempotencyKey);
    await system.ensure();
    const requestHash = sha256Hex(canonicalJson(submission));
    // With an Idempotency-Key the id follows from it, so that a retry finds the first attempt.
    const id = `C-${meta.idempotencyKey ? sha256Hex(`open311-request\0${meta.idempotencyKey}`).slice(0, 16) : crypto.randomBytes(8).toString('hex')}`;
    const fresh = this.newRecord(id, submission, requestHash);
    let record: PrivateComplaint = fresh;
    try {
      await store.Private.create(fresh);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const existing = await store.Private.findById(id).lean<PrivateComplaint>();
      if (!existing || existing.requestHash !== requestHash)
        throw new UnprocessableError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
      record = existing;
    }
    try {
      const outcome = await writes.write({
        userId: INTAKE_USER,
        idempotencyKey: `open311:${id}`,
        fingerprint: { open311: id, requestHash },
        namespace: 'complaint',
        fn: 'receiveComplaint',
        args: [record.ledgerArgument],
        async: false,
      });
      const anchored = JSON.parse(record.ledgerArgument) as { location: string; deadline: string };
      return {
        id,
        receiptToken: receiptToken(tokenKey, id),
        category: record.category,
        location: anchored.location,
        deadline: anchored.deadline,
        operationId: outcome.body.operationId,
        receipt: outcome.body.receipt,
        replayed: outcome.replayed || record !== fresh,
      };
    } catch (err) {
      // Refused or failed: nothing reached the ledger, so nothing is kept (unless a first attempt is still running).
      if (!(err instanceof ConflictError && /still in progress/.test(err.message)))
        await store.Private.deleteOne({ _id: id });
      throw err;
    }
  }

  private newRecord(id: string, s: Submission, requestHash: string): PrivateComplaint {
    const content: ComplaintContent = {
      description: s.description,
      address_string: s.address_string,
      lat: s.lat,
      long: s.long,
      media_url: s.media_url,
    };
    const contactGiven = [s.first_name, s.last_name, s.phone, s.email].some((v) => v !== null);
    const contact: ComplaintContact | null = contactGiven
      ? { first_name: s.first_name, last_name: s.last_name, phone: s.phone, email: s.email }
      : null;
    const classification = classify(s.description);
    const category = s.service_code ?? classification.category; // the citizen's own choice wins; staff see both
    const salt = newSalt();
    const contentHash = saltedHash(salt, content);
    const deadline = addWorkingDays(todayInShenzhen(this.deps.now()), DISPATCH_WORKING_DAYS);
    const token = receiptToken(this.deps.tokenKey, id);
    const commitment = receiptCommitment(id, ratingProof(token, id));
    const ledgerArgument = JSON.stringify({
      id,
      contentHash,
      receiptCommitment: commitment,
      category,
      location: coarseLocation(s.address_string ?? undefined),
      deadline,
    });
    return {
      _id: id,
      content,
      contact,
      salt,
      contentHash,
      tokenHash: sha256Hex(token),
      requestedCode: s.service_code,
      classification: {
        category: classification.category,
        scores: classification.scores as Record<string, number>,
        matched: classification.matched,
      },
      category,
      tokens: tokens(`${s.description} ${s.address_string ?? ''}`),
      ledgerArgument,
      requestHash,
      answers: [],
      ratingComment: null,
      createdAt: this.deps.now(),
    };
  }

  /** The off-chain record, if the caller holds its receipt token. */
  async authorise(id: string, token: string | undefined): Promise<PrivateComplaint> {
    if (!token)
      throw new AppError(
        401,
        'unauthorized',
        'the receipt token (X-Receipt-Token header) given at submission is required',
      );
    const record = await this.deps.store.Private.findById(id).lean<PrivateComplaint>();
    if (!record) throw new NotFoundError(`service request ${id} does not exist`);
    if (!sameHash(sha256Hex(token), record.tokenHash))
      throw new AppError(403, 'forbidden', 'this receipt token does not belong to this service request');
    return record;
  }

  /**
   * The citizen's 1–5 rating, signed on the ledger by the intake system user with the proof only the token gives (the
   * chaincode checks it).
   */
  async rate(id: string, token: string | undefined, score: number, comment: string | null, idempotencyKey?: string) {
    await this.authorise(id, token);
    const proof = ratingProof(token!, id);
    await this.deps.system.ensure();
    const outcome = await this.deps.writes.write({
      userId: INTAKE_USER,
      ...(idempotencyKey ? { idempotencyKey: `open311-rating:${id}:${idempotencyKey}` } : {}),
      fingerprint: { rate: id, score, comment },
      namespace: 'complaint',
      fn: 'rateComplaint',
      args: [id, String(score), proof],
      async: false,
    });
    if (comment) await this.deps.store.Private.updateOne({ _id: id }, { $set: { ratingComment: comment } });
    return outcome;
  }
}
