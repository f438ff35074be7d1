import mongoose, { Schema } from 'mongoose';
import { ClientSignedLedger, SigningStage, SigningStep } from '../ledger/client-signed';
import type { Ledger } from '../ledger/ledger';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import type { AnchoredWrites, AuthorSigning, SigningOptions, WriteOutcome } from './anchored-writes';
import type { Author, AuthorSigningStage, SignatureRequest } from './models';
import crypto from 'node:crypto';
import { fabricSignature } from '../ledger/ecdsa-signature';
import { SignatureRejected } from '../ledger/client-signed';
import type { LedgerCall } from './anchored-route';

export type { Author, SignatureRequest } from './models';

/** A write in progress between its author's signatures; kept in the database so that any replica takes the next step. */
interface SigningSession {
  _id: string; // the transaction ID
  userId: string;
  mspId: string;
  certificate: string;
  idempotencyKey: string;
  fingerprint: unknown;
  call: LedgerCall | null; // null while a stage before the transaction (a seal) awaits its signature
  /** What that stage keeps until its signature comes (e.g. the prepared PDF of a seal). */
  state?: unknown;
  reference: string;
  /** Prefer: respond-async on the first request: the last signature is answered 202 with the operation. */
  async?: boolean;
  /** The anchored route the write came through (`POST /payouts`): its committed-refusal rule applies to the answer. */
  route?: string | null;
  stage: AuthorSigningStage;
  bytes: string; // base64 of the proposal, then of the endorsed transaction (what the author signs is derived from it)
  expiresAt: Date;
}

/** How long an author has to sign each step; an unsigned proposal costs nothing on the ledger and simply lapses. */
const STEP_TTL_MS = 5 * 60_000;
/** How many sessions a replica keeps at hand (a few minutes of signing at a few hundred writes a second). */
const MAX_LOCAL_SESSIONS = 10_000;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Writes signed by their author (a device today): the gateway prepares, the author signs the proposal, the gateway
 * endorses, the author signs the transaction, the gateway submits it through AnchoredWrites (idempotency, the
 * operation record, crash recovery, the receipt). The gateway never holds the key, so it cannot write as the author.
 */
export class AuthorSignedWrites implements AuthorSigning {
  private readonly Session: mongoose.Model<SigningSession>;
  private readonly ledger: ClientSignedLedger;
  /**
   * The sessions this replica started or moved on, so that the next signature (which usually comes back here) costs
   * no database read. The database stays the record: a miss or an entry behind it (another replica took a step) reads it.
   */
  private readonly local = new Map<string, SigningSession>();
  private nextSweep = 0;

  constructor(
    connection: mongoose.Connection,
    ledger: Ledger,
    private readonly writes: AnchoredWrites,
  ) {
    this.Session =
      (connection.models.SigningSession as mongoose.Model<SigningSession>) ??
      connection.model<SigningSession>(
        'SigningSession',
        new Schema<SigningSession>(
          {
            _id: String,
            userId: String,
            mspId: String,
            certificate: String,
            idempotencyKey: String,
            fingerprint: Schema.Types.Mixed,
            call: Schema.Types.Mixed,
            state: Schema.Types.Mixed,
            reference: String,
            async: Boolean,
            route: String,
            stage: String,
            bytes: String,
            expiresAt: Date,
          },
          { collection: 'signing_sessions', versionKey: false, minimize: false },
        ),
      );
    this.ledger = new ClientSignedLedger(ledger);
  }

  /**
   * The first step: what the author signs, or — when this Idempotency-Key already committed — the first outcome again.
   */
  async start(
    author: Author,
    idempotencyKey: string,
    fingerprint: unknown,
    call: LedgerCall,
    reference: string,
    options: SigningOptions = {},
  ): Promise<{ sign: SignatureRequest } | { done: WriteOutcome }> {
    const done = options.unkeyed ? undefined : await this.writes.previous(author.username, idempotencyKey, fingerprint);
    if (done) return { done };
    const step = this.ledger.propose(author, call.namespace, call.fn, call.args, call.endorsingOrganizations);
    const session: SigningSession = {
      _id: step.transactionId,
      userId: author.username,
      mspId: author.mspId,
      certificate: author.certificate,
      idempotencyKey,
      fingerprint,
      call,
      reference,
      async: options.async ?? false,
      route: options.route ?? null,
      state: options.state,
      stage: 'proposal',
      bytes: b64(step.bytes),
      expiresAt: new Date(Date.now() + STEP_TTL_MS),
    };
    this.sweepLapsed();
    await this.Session.collection.insertOne({ ...session } as never);
    this.remember(session);
    return { sign: request(session) };
  }

  /**
   * A signature before the transaction exists (a seal over a document's signed attributes): the session waits for it
   * under an ID of its own; then its route's stage turns it into the call, proposed as in `start`.
   */
  async startStage(
    author: Author,
    idempotencyKey: string,
    fingerprint: unknown,
    stage: { name: 'seal'; message: Buffer; state: unknown },
    reference: string,
    options: SigningOptions & { route: string },
  ): Promise<SignatureRequest<'seal'>> {
    const session: SigningSession = {
      _id: crypto.randomBytes(32).toString('hex'),
      userId: author.username,
      mspId: author.mspId,
      certificate: author.certificate,
      idempotencyKey,
      fingerprint,
      call: null,
      state: stage.state,
      reference,
      async: options.async ?? false,
      route: options.route,
      stage: stage.name,
      bytes: b64(stage.message),
      expiresAt: new Date(Date.now() + STEP_TTL_MS),
    };
    this.sweepLapsed();
    await this.Session.collection.insertOne({ ...session } as never);
    this.remember(session);
    return request(session) as unknown as SignatureRequest<'seal'>;
  }

  /** The author's signature at a stage before the transaction: complete it (checked against their certificate), then propose. */
  async signStage(sessionId: string, signature: string): Promise<{ sign: SignatureRequest } | { done: WriteOutcome }> {
    const session = await this.session(sessionId, 'seal');
    const stage = session.route ? this.writes.stages.get(session.route) : undefined;
    if (!stage) throw new Error(`no author stage for route ${session.route}`);
    const der = fabricSignature(decode(signature));
    if (!der) throw new SignatureRejected('seal');
    // Only the first of two concurrent signatures completes the stage: the other is told it is late.
    const claimed = await this.Session.deleteOne({ _id: sessionId, stage: 'seal' });
    this.local.delete(sessionId);
    if (claimed.deletedCount !== 1) throw new ConflictError(`${sessionId}'s seal was signed already`);
    let call: LedgerCall;
    try {
      call = await stage.complete(session.state, der, session.userId);
    } catch (err) {
      // A signature that does not verify leaves the stage open: sign again.
      if (err instanceof SignatureRejected) await this.Session.collection.insertOne(session as never);
      throw err;
    }
    const author = { username: session.userId, mspId: session.mspId, certificate: session.certificate };
    return this.start(author, session.idempotencyKey, session.fingerprint, call, `${call.namespace}.${call.fn}`, {
      async: session.async,
      route: session.route ?? undefined,
    });
  }

  /** The author's signature over the proposal: endorse, and ask for the signature over the transaction. */
  async signProposal(transactionId: string, signature: string, author?: string): Promise<SignatureRequest> {
    const session = await this.session(transactionId, 'proposal', author);
    const step: SigningStep = await this.ledger.endorse(
      session,
      Buffer.from(session.bytes, 'base64'),
      decode(signature),
      session.call?.endorsingOrganizations,
    );
    const next = {
      stage: 'transaction' as const,
      bytes: b64(step.bytes),
      expiresAt: new Date(Date.now() + STEP_TTL_MS),
    };
    // Only the first of two concurrent signatures moves the session on: the other is told it is late.
    const moved = await this.Session.updateOne({ _id: transactionId, stage: 'proposal' }, { $set: next });
    if (moved.modifiedCount !== 1) {
      this.local.delete(transactionId);
      throw new ConflictError(`transaction ${transactionId}'s proposal was signed already`);
    }
    this.remember({ ...session, ...next });
    return request({ ...session, ...next });
  }

  /** The author's signature over the transaction: submit it and wait for the commit (the answer carries the receipt). */
  async signTransaction(
    transactionId: string,
    signature: string,
    author?: string,
  ): Promise<WriteOutcome & { reference: string; route: string | null; userId: string; state: unknown }> {
    const session = await this.session(transactionId, 'transaction', author);
    this.local.delete(transactionId);
    const signed = this.ledger.signTransaction(session, Buffer.from(session.bytes, 'base64'), decode(signature));
    const outcome = await this.writes.write({
      userId: session.userId,
      idempotencyKey: session.idempotencyKey,
      fingerprint: session.fingerprint,
      ...session.call!,
      async: session.async ?? false,
      authorSigned: signed,
    });
    // Done: awaited, so a signature sent again finds nothing awaiting it (404) rather than, some of the time, the
    // session still there; a delete lost to a database fault only leaves a session that replays this outcome, then lapses.
    await this.Session.deleteOne({ _id: transactionId }).catch(() => undefined);
    return {
      ...outcome,
      reference: session.reference,
      route: session.route ?? null,
      userId: session.userId,
      state: session.state,
    };
  }

  /**
   * Lapsed sessions go now and then, not on every write (no TTL index: FerretDB v1 does not expire documents); each
   * replica sweeps at most once a minute, in the background.
   */
  private sweepLapsed(): void {
    if (Date.now() < this.nextSweep) return;
    this.nextSweep = Date.now() + 60_000;
    this.Session.deleteMany({ expiresAt: { $lt: new Date() } }).catch(() => undefined);
    for (const [id, session] of this.local) if (session.expiresAt.getTime() < Date.now()) this.local.delete(id);
  }

  /** Keeps a session this replica wrote; bounded, oldest first out (a dropped one is read from the database). */
  private remember(session: SigningSession): void {
    this.local.delete(session._id);
    this.local.set(session._id, session);
    if (this.local.size > MAX_LOCAL_SESSIONS) this.local.delete(this.local.keys().next().value!);
  }

  /** Where a signature arrives: the reference of the write in progress, when one awaits its author's signature. */
  async referenceOf(transactionId: string): Promise<string | undefined> {
    return (await this.Session.findById(transactionId, { reference: 1 }).lean())?.reference;
  }

  /** The session awaiting this stage's signature; `author`, when the channel names one (an MQTT topic), must be its author. */
  private async session(transactionId: string, stage: AuthorSigningStage, author?: string): Promise<SigningSession> {
    const cached = this.local.get(transactionId);
    const session = cached?.stage === stage ? cached : await this.Session.findById(transactionId).lean();
    if (!session || session.expiresAt.getTime() < Date.now())
      throw new NotFoundError(
        `no transaction ${transactionId} awaits a signature (unknown, done or lapsed: start again)`,
      );
    if (author !== undefined && author !== session.userId)
      throw new ForbiddenError(`transaction ${transactionId} is not ${author}'s`);
    if (session.stage !== stage)
      throw new ConflictError(
        `transaction ${transactionId} awaits its ${session.stage} signature, not its ${stage} signature`,
      );
    return session;
  }
}

function request(session: SigningSession): SignatureRequest {
  const bytes = Buffer.from(session.bytes, 'base64');
  const message = b64(session.stage === 'seal' ? bytes : ClientSignedLedger.messageOf(session.stage, bytes));
  return {
    transactionId: session._id,
    stage: session.stage as SigningStage,
    message,
    expiresAt: session.expiresAt.toISOString(),
    reference: session.reference,
  };
}

function decode(signature: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]{40,200}={0,2}$/.test(signature))
    throw new ValidationError('signature must be base64 of an ECDSA signature (DER or r‖s)');
  return Buffer.from(signature, 'base64');
}

/** A transaction ID as Fabric makes them: 64 hex digits. */
export const TRANSACTION_ID = /^[0-9a-f]{64}$/;
