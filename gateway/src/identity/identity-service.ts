import { AUDIT } from '@luohu/domain';
import fs from 'node:fs';
import type mongoose from 'mongoose';
import type { ConnectionDescription } from '../config';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../platform/errors';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { Logger } from '../platform/logger';
import type { ClientIdentity, SigningUser } from '../ledger/ledger';
import { CertificateAuthority, Registrar } from './certificate-authority';
import { ChannelRevocation } from './channel-revocation';
import { identityModels, Role, UserRecord } from './models';
import { checkRegistration } from './registration-rules';
import { Enrollments, IssuedCode } from './enrollment';
import crypto from 'node:crypto';
import { CUSTODY_ATTRIBUTE, type Custody } from '@luohu/domain';
import { CertificateIdentities } from './certificate-identity';
import { KeySignIn } from './key-sign-in';
import { assertStrongPassword } from './password-policy';
import { hashPassword, KeyVault, newToken, SessionTokens, verifyPassword } from './secrets';
import { SignInThrottle } from './sign-in-throttle';

/**
 * A user registered without a password holds their own key: they enroll it with the one-time code the registration
 * returns and sign in and write by their signatures. A password makes a custodial user, whose key the gateway holds
 * (integrations an operator chooses to run so; the certificate says so). A device always holds its own key.
 */
export interface NewUser {
  username: string;
  password?: string;
  role: Role;
  dept?: string | null;
  company?: string | null;
  displayName: string;
}

/** Whether a company (its registry id) is registered on the ledger, read as the registering admin. */
export type CompanyRegistry = (adminUsername: string, company: string) => Promise<boolean>;

/** The events reader: a read-only identity of the Audit Bureau, registered once, used only to read blocks and events. */
export const EVENTS_READER = 'system.events-reader';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** The CA revoked the user, but the channel configuration does not carry the CRL yet: peers still accept the certificate. */
export class RevocationNotPublishedError extends AppError {
  constructor(message: string) {
    super(502, 'revocation_not_published', message, {
      caRevoked: true,
      channelUpdated: false,
      retry: 'POST the revocation again: it republishes the CRL',
    });
  }
}

/** People and devices: registration with their bureau's CA, login, sessions, revocation, and their signing keys. */
export class IdentityService {
  private readonly models;
  private readonly vault: KeyVault;
  private readonly signers = new Map<string, { signer: SigningUser; until: number }>();
  /** Set by the registry routes, which read the ledger; registering a company-bound user needs it. */
  private companies?: CompanyRegistry;
  /**
   * Sessions this process authenticated in the last SESSION_CACHE_MS, by token hash: under load the session read was
   * the largest part of a write's time before the ledger. Sign-out and revocation through this replica drop entries
   * at once; through another replica they take effect here within SESSION_CACHE_MS (a revoked certificate is refused
   * by the peers anyway once the CRL is in the channel).
   */
  private readonly sessions = new Map<string, { user: AuthenticatedUser; userId: string; until: number }>();
  /** Users as their certificates say (parsed and chain-checked), for SESSION_CACHE_MS, by username. */
  private readonly certified = new Map<string, { user: AuthenticatedUser; until: number }>();
  /** Key holders as authors of writes (certificate as enrolled), for SESSION_CACHE_MS, by username. */
  private readonly authors = new Map<string, { author: ClientIdentity & { username: string }; until: number }>();
  private readonly tokens: SessionTokens;
  private readonly throttle: SignInThrottle;
  private readonly certificates: CertificateIdentities;
  private readonly keySignIn: KeySignIn;
  readonly enrollments: Enrollments;

  constructor(
    connection: mongoose.Connection,
    private readonly ca: CertificateAuthority,
    kek: Buffer,
    private readonly sessionTtlMs: number,
    private readonly logger: Logger,
    private readonly channel = new ChannelRevocation(ca.description),
    sessionKey = Buffer.from(crypto.hkdfSync('sha256', kek, Buffer.alloc(0), 'luohu-session-mac', 32)),
    enrollmentCodeTtlMs = 72 * 3_600_000,
  ) {
    this.models = identityModels(connection);
    this.enrollments = new Enrollments(connection, ca, kek, enrollmentCodeTtlMs, logger);
    this.vault = new KeyVault(kek);
    this.tokens = new SessionTokens(sessionKey);
    this.throttle = new SignInThrottle(connection, kek);
    this.certificates = new CertificateIdentities(ca.description);
    this.keySignIn = new KeySignIn(connection);
  }

  /** Each bureau's admin becomes a gateway user (admin.<org>) signing with the bureau admin identity the CA issued. */
  async bootstrap(
    description: ConnectionDescription,
    adminPassword: string,
    retired: readonly string[] = [],
  ): Promise<void> {
    for (const org of description.orgs) {
      const username = `admin.${org.name}`;
      const existing = await this.models.User.findById(username, { passwordHash: 1 }).lean();
      if (existing) {
        await this.retireKnownPassword(username, existing.passwordHash, adminPassword, retired);
        continue;
      }
      const privateKeyPem = fs.readFileSync(org.admin.keyFile, 'utf8');
      try {
        await this.models.User.create({
          _id: username,
          org: org.name,
          mspId: org.mspId,
          role: 'admin',
          dept: null,
          displayName: `${org.displayName} admin`,
          passwordHash: await hashPassword(adminPassword),
          certificate: fs.readFileSync(org.admin.certFile, 'utf8'),
          sealedKey: this.vault.seal(username, privateKeyPem),
          status: 'active',
          createdBy: 'bootstrap',
          createdAt: new Date(),
        });
      } catch (err) {
        if (!isDuplicate(err)) throw err; // another replica bootstrapped it first
      }
    }
    const audit = description.orgs.find((o) => o.mspId === AUDIT) ?? description.orgs[0];
    await this.ensureSystemUser(`admin.${audit.name}`, {
      username: EVENTS_READER,
      role: 'auditor',
      displayName: 'Gateway events reader',
    });
    // An auditor outside the Audit Bureau may write nothing (the chaincode's rules): a bureau's read-only identity.
    for (const org of description.orgs) {
      if (org.mspId !== audit.mspId)
        await this.ensureSystemUser(`admin.${org.name}`, {
          username: bureauReader(org.name),
          role: 'auditor',
          displayName: 'Gateway ledger reader',
        });
    }
  }

  /** An admin created by an older version with a password from its source gets this installation's generated one. */
  private async retireKnownPassword(
    username: string,
    hash: string,
    adminPassword: string,
    retired: readonly string[],
  ): Promise<void> {
    for (const known of retired) {
      if (!(await verifyPassword(known, hash))) continue;
      await this.models.User.updateOne(
        { _id: username, passwordHash: hash },
        { $set: { passwordHash: await hashPassword(adminPassword) } },
      );
      this.logger.warn(
        { user: username },
        "the admin password was one published in the source: replaced by the installation's",
      );
      return;
    }
  }

  /**
   * A gateway-operated identity (events reader, intake desks…): registered once per database with a CA enrollment ID
   * of its own (the CA never forgets an ID, a database can be new), with a password nobody knows.
   */
  async ensureSystemUser(
    adminUsername: string,
    user: { username: string; role: Role; dept?: string | null; displayName: string },
  ): Promise<void> {
    if (await this.models.User.exists({ _id: user.username })) return;
    const admin = await this.findActive(adminUsername);
    const enrollmentId = `${user.username}.${newToken().slice(0, 8).toLowerCase()}`;
    await this.register(admin, { ...user, password: newToken() }, enrollmentId).catch((err) => {
      if (!(err instanceof ConflictError)) throw err; // another replica registered it first
    });
  }

  private async findActive(username: string): Promise<UserRecord> {
    const user = await this.models.User.findById(username).lean();
    if (!user) throw new NotFoundError(`user ${username} does not exist`);
    if (user.status !== 'active') throw new ForbiddenError(`user ${username} is revoked`);
    return user;
  }

  private registrar(admin: UserRecord): Registrar {
    if (!admin.certificate || !admin.sealedKey)
      throw new ForbiddenError(`${admin._id} holds its own key: the gateway cannot act for it at the CA`);
    return {
      username: admin._id,
      mspId: admin.mspId,
      certificate: admin.certificate,
      privateKeyPem: this.vault.open(admin._id, admin.sealedKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  useCompanyRegistry(companies: CompanyRegistry): void {
    this.companies = companies;
  }

  /**
   * A bureau admin registers a user of their own bureau: the CA issues a certificate carrying role, dept (one of the
   * bureau's own departments) and, for contractors and owner units, company (a company registered on the ledger).
   */
  async register(
    actor: Pick<UserRecord, '_id'>,
    input: NewUser,
    enrollmentId = input.username,
  ): Promise<AuthenticatedUser & { enrollment?: IssuedCode }> {
    const admin = await this.findActive(actor._id);
    if (admin.role !== 'admin') throw new ForbiddenError('only a bureau admin registers users');
    checkRegistration(admin.mspId, input);
    const ownKey = input.role === 'device' || input.password === undefined;
    if (input.role === 'device' && input.password !== undefined)
      throw new ValidationError(
        'a device has no password: it enrolls its own key with the code this registration returns',
      );
    if (await this.models.User.exists({ _id: input.username }))
      throw new ConflictError(`user ${input.username} already exists`);
    if (input.company) {
      if (!this.companies) throw new Error('no company registry: registering a company-bound user needs the ledger');
      if (!(await this.companies(admin._id, input.company)))
        throw new ValidationError(`company ${input.company} is not registered on the ledger`);
    }
    const attributes: Record<string, string> = {
      role: input.role,
      ...(input.dept ? { dept: input.dept } : {}),
      ...(input.company ? { company: input.company } : {}),
      [CUSTODY_ATTRIBUTE]: ownKey ? 'own' : 'gateway',
    };
    const registrar = this.registrar(admin);
    let enrollment: IssuedCode | undefined;
    let keys: { certificate: string | null; sealedKey: string | null };
    if (ownKey) {
      enrollment = await this.enrollments.issue(registrar, { username: input.username, enrollmentId }, attributes);
      keys = { certificate: null, sealedKey: null };
    } else {
      const { certificate, privateKeyPem } = await this.ca.registerAndEnroll(registrar, enrollmentId, attributes);
      keys = { certificate, sealedKey: this.vault.seal(input.username, privateKeyPem) };
    }
    const record: UserRecord = {
      _id: input.username,
      enrollmentId,
      org: admin.org,
      mspId: admin.mspId,
      role: input.role,
      dept: input.dept ?? null,
      company: input.company ?? null,
      displayName: input.displayName,
      // A password nobody knows: an identity that holds its own key never signs in with one.
      passwordHash: await hashPassword(input.password ?? newToken()),
      ...keys,
      status: 'active',
      createdBy: admin._id,
      createdAt: new Date(),
    };
    try {
      await this.models.User.create(record);
    } catch (err) {
      if (isDuplicate(err)) throw new ConflictError(`user ${input.username} already exists`);
      throw err;
    }
    this.logger.info({ user: input.username, role: input.role, by: admin._id, ownKey }, 'user registered');
    return { ...publicUser(record), ...(enrollment ? { enrollment } : {}) };
  }

  /**
   * Throttled before the password check (see SignInThrottle). An unknown user, a wrong password and a revoked user get
   * the same answer after the same work, so the answer tells a guesser nothing beyond "not signed in".
   */
  async login(
    username: string,
    password: string,
    clientAddress = 'unknown',
  ): Promise<{ token: string; expiresAt: Date; user: AuthenticatedUser }> {
    return this.openSession(await this.checkPassword(username, password, clientAddress));
  }

  private async openSession(user: UserRecord): Promise<{ token: string; expiresAt: Date; user: AuthenticatedUser }> {
    const username = user._id;
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    const { token, sessionId } = this.tokens.issue(username, expiresAt);
    const current = await this.certifiedUser(user);
    await this.models.Session.create({ _id: sessionId, userId: user._id, expiresAt, createdAt: new Date() });
    // A revocation that ended the user's sessions between the check above and this session's creation would miss it:
    // revocation marks the user before deleting sessions, so reading the status again closes that window.
    const now = await this.models.User.findById(username, { status: 1 }).lean();
    if (now?.status !== 'active') {
      await this.models.Session.deleteOne({ _id: sessionId });
      throw new UnauthorizedError(WRONG_PASSWORD);
    }
    return { token, expiresAt, user: current };
  }

  /** A one-time challenge for a user who holds their own key to sign (see KeySignIn). */
  signInChallenge(username: string): Promise<{ challenge: string; expiresAt: Date }> {
    return this.keySignIn.challenge(username);
  }

  /**
   * Sign-in by the user's signature over their challenge, checked with the certificate their key was enrolled for.
   * Only people who hold their own key sign in so (devices need no session; a custodial user signs in by password).
   */
  async loginWithKey(
    username: string,
    challenge: string,
    signature: string,
  ): Promise<{ token: string; expiresAt: Date; user: AuthenticatedUser }> {
    const record = await this.models.User.findById(username).lean();
    const holdsKey = record !== null && record.status === 'active' && !record.sealedKey && record.role !== 'device';
    await this.keySignIn.verify(username, challenge, signature, holdsKey ? record.certificate : null);
    return this.openSession(record!);
  }

  /** The signed-in user changes their password (the current one is checked, throttled like a sign-in); their other sessions end. */
  async changePassword(
    token: string,
    currentPassword: string,
    newPassword: string,
    clientAddress = 'unknown',
  ): Promise<void> {
    const me = await this.authenticate(token);
    assertStrongPassword(me._id, newPassword);
    // 403, not 401: the session is good (a 401 would tell the client to sign in again).
    await this.checkPassword(me._id, currentPassword, clientAddress).catch((err) => {
      throw err instanceof UnauthorizedError ? new ForbiddenError('access denied: the current password is wrong') : err;
    });
    await this.models.User.updateOne({ _id: me._id }, { $set: { passwordHash: await hashPassword(newPassword) } });
    const keep = this.tokens.sessionId(token);
    await this.models.Session.deleteMany({ userId: me._id, _id: { $ne: keep } });
    for (const [id, entry] of this.sessions) if (entry.userId === me._id && id !== keep) this.sessions.delete(id);
    this.logger.info({ user: me._id }, 'password changed; other sessions ended');
  }

  private async checkPassword(username: string, password: string, clientAddress: string): Promise<UserRecord> {
    await this.throttle.claim(username, clientAddress);
    const user = await this.models.User.findById(username).lean();
    // The hash is checked either way to keep timing alike.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.status !== 'active') {
      await this.throttle.failed(clientAddress);
      throw new UnauthorizedError(WRONG_PASSWORD);
    }
    await this.throttle.succeeded(username);
    return user;
  }

  async logout(token: string): Promise<void> {
    const id = this.tokens.sessionId(token);
    if (!id) return;
    this.sessions.delete(id);
    await this.models.Session.deleteOne({ _id: id });
  }

  /**
   * The user behind a session token (sessions live in the database, so any replica can serve any client). The token's
   * MAC must cover the session row's user and expiry, so a row written straight into the database authenticates
   * nobody; who the user is (bureau, role, department, company) is read from their CA-signed certificate, not from
   * fields a database writer could edit.
   */
  async authenticate(token: string): Promise<AuthenticatedUser> {
    const id = this.tokens.sessionId(token);
    if (!id) throw new UnauthorizedError('session expired or unknown');
    const cached = this.sessions.get(id);
    if (cached && cached.until > Date.now()) return cached.user;
    const session = await this.models.Session.findById(id).lean();
    if (!session || session.expiresAt.getTime() < Date.now()) throw new UnauthorizedError('session expired or unknown');
    if (!this.tokens.verify(token, session.userId, session.expiresAt))
      throw new UnauthorizedError('session expired or unknown');
    const user = await this.currentUser(session.userId);
    if (this.sessions.size >= 10_000) this.sessions.clear();
    this.sessions.set(id, {
      user,
      userId: session.userId,
      until: Math.min(Date.now() + SESSION_CACHE_MS, session.expiresAt.getTime()),
    });
    return user;
  }

  /** An active user as their certificate says, cached per user for SESSION_CACHE_MS. */
  private async currentUser(username: string): Promise<AuthenticatedUser> {
    const cached = this.certified.get(username);
    if (cached && cached.until > Date.now()) return cached.user;
    const user = await this.models.User.findById(username).lean();
    if (!user || user.status !== 'active') throw new UnauthorizedError('session expired or unknown');
    return this.certifiedUser(user);
  }

  private async certifiedUser(record: UserRecord): Promise<AuthenticatedUser> {
    let certified;
    try {
      if (!record.certificate) throw new Error('no certificate yet');
      certified = this.certificates.read(record.certificate, record._id);
    } catch (err) {
      this.logger.error(
        { err, user: record._id },
        "a user record carries a certificate that is not theirs or not a bureau CA's",
      );
      throw new UnauthorizedError('session expired or unknown');
    }
    const user: AuthenticatedUser = {
      _id: record._id,
      org: certified.org,
      mspId: certified.mspId,
      role: certified.role,
      dept: certified.dept,
      company: certified.company,
      displayName: record.displayName,
      status: record.status,
      custody: certified.custody ?? custodyOf(record),
    };
    if (this.certified.size >= 10_000) this.certified.clear();
    this.certified.set(record._id, { user, until: Date.now() + SESSION_CACHE_MS });
    return user;
  }

  /**
   * Revokes the user at their bureau's CA, ends their sessions, then publishes the CA's CRL into the channel
   * configuration so that every peer refuses the certificate, even when presented without our gateway. If publishing
   * fails the revocation stands and the error says so; revoking again republishes (only then does it answer 409).
   */
  async revoke(actor: Pick<UserRecord, '_id'>, username: string, reason: string): Promise<AuthenticatedUser> {
    const { admin, user } = await this.adminOf(actor, username, 'revokes');
    if (user.status === 'revoked' && user.crlPublishedAt)
      throw new ConflictError(`user ${username} is already revoked`);
    const registrar = this.registrar(admin);
    if (user.status !== 'revoked') {
      await this.ca.revoke(registrar, user.enrollmentId ?? username, reason);
      await this.models.User.updateOne({ _id: username }, { $set: { status: 'revoked', revokedAt: new Date() } });
      await this.forget(username);
      this.logger.info({ user: username, by: admin._id, reason }, 'user revoked at the CA');
    }
    await this.publishCrl(registrar, user, admin);
    return publicUser({ ...user, status: 'revoked' });
  }

  /**
   * A lost or replaced device, or a custodial user who is to hold their own key: the admin revokes the user's
   * certificate at the CA (published to the channel as for a revocation) and issues a new one-time code, under a fresh
   * enrollment ID (the CA never enrolls a revoked identity again). The gateway's copy of a custodial key is deleted and
   * sessions end; the user stays, and enrolls a key made on their new device with the code. A seal bound to the old
   * certificate stops working with it: the admin binds the new one.
   */
  async reissueEnrollment(
    actor: Pick<UserRecord, '_id'>,
    username: string,
    reason: string,
  ): Promise<AuthenticatedUser & { enrollment: IssuedCode }> {
    const { admin, user } = await this.adminOf(actor, username, 'issues enrollment codes for');
    if (user.status === 'revoked') throw new ConflictError(`user ${username} is revoked: register them anew`);
    if (user.role === 'device' || user.role === 'admin' || username.startsWith('system.'))
      throw new ValidationError(
        `${username} is a ${user.role === 'device' ? 'device: register it anew' : 'bureau or system identity'}; a new enrollment code is for people`,
      );
    const registrar = this.registrar(admin);
    const attributes: Record<string, string> = {
      role: user.role,
      ...(user.dept ? { dept: user.dept } : {}),
      ...(user.company ? { company: user.company } : {}),
      [CUSTODY_ATTRIBUTE]: 'own',
    };
    const enrollmentId = `${username}.${newToken().slice(0, 8).toLowerCase()}`;
    await this.enrollments.withdraw(username);
    const enrollment = await this.enrollments.issue(registrar, { username, enrollmentId }, attributes);
    await this.ca.revoke(registrar, user.enrollmentId ?? username, reason).catch((err) => {
      // An identity that never enrolled has no certificate to revoke; anything else is a failure.
      if (user.certificate) throw err;
      this.logger.warn({ err, user: username }, 'the earlier identity had no certificate to revoke');
    });
    await this.models.User.updateOne(
      { _id: username },
      // A password nobody knows: a key holder signs in by signature only.
      {
        $set: { enrollmentId, certificate: null, sealedKey: null, passwordHash: await hashPassword(newToken()) },
        $unset: { enrolledAt: 1 },
      },
    );
    await this.forget(username);
    this.logger.info({ user: username, by: admin._id, reason, enrollmentId }, 'new enrollment code issued');
    if (user.certificate) await this.publishCrl(registrar, user, admin);
    return { ...publicUser({ ...user, certificate: null }), enrollment };
  }

  /** The acting admin and the user they act on, an admin of the user's own bureau, or the refusal. */
  private async adminOf(
    actor: Pick<UserRecord, '_id'>,
    username: string,
    verb: string,
  ): Promise<{ admin: UserRecord; user: UserRecord }> {
    const admin = await this.findActive(actor._id);
    const user = await this.models.User.findById(username).lean();
    if (!user) throw new NotFoundError(`user ${username} does not exist`);
    if (admin.role !== 'admin' || admin.mspId !== user.mspId)
      throw new ForbiddenError(`only an admin of ${user.mspId} ${verb} its users`);
    return { admin, user };
  }

  /** Ends the user's sessions and drops what this replica cached of their identity. */
  private async forget(username: string): Promise<void> {
    await this.models.Session.deleteMany({ userId: username });
    this.signers.delete(username);
    for (const [id, entry] of this.sessions) if (entry.userId === username) this.sessions.delete(id);
    this.certified.delete(username);
    this.authors.delete(username);
  }

  /**
   * Publishes the CA's CRL in the channel configuration, so that every peer refuses the user's revoked certificate
   * even when presented without our gateway. If that fails the revocation stands and the error says so.
   */
  private async publishCrl(registrar: Registrar, user: UserRecord, admin: UserRecord): Promise<void> {
    const username = user._id;
    let published: { block: number; updated: boolean };
    try {
      published = await this.channel.publish(registrar, () => this.ca.crl(registrar));
    } catch (err) {
      this.logger.error({ err, user: username, by: admin._id }, 'publishing the CRL to the channel failed');
      throw new RevocationNotPublishedError(
        `${username}'s certificate is revoked at ${user.mspId}'s CA and can no longer sign in, but the channel configuration ` +
          `does not carry the new CRL yet, so peers still accept the certificate: ${(err as Error).message}`,
      );
    }
    await this.models.User.updateOne(
      { _id: username },
      { $set: { crlPublishedAt: new Date(), crlBlock: published.block } },
    );
    this.logger.info(
      { user: username, block: published.block, updated: published.updated },
      'CRL published in the channel configuration',
    );
  }

  async get(username: string): Promise<AuthenticatedUser> {
    const user = await this.models.User.findById(username).lean();
    if (!user) throw new NotFoundError(`user ${username} does not exist`);
    return publicUser(user);
  }

  /** An active user's Fabric identity (MSP and CA-issued certificate), whoever holds its key; 409 before they enrolled one. */
  async identityOf(username: string): Promise<ClientIdentity> {
    const user = await this.findActive(username);
    if (!user.certificate) throw new ConflictError(`${username} has not enrolled a key yet`);
    return { mspId: user.mspId, certificate: user.certificate };
  }

  /** A user who holds their own key, as the author of a write they will sign: their certificate as enrolled. */
  async author(username: string): Promise<ClientIdentity & { username: string }> {
    const cached = this.authors.get(username);
    if (cached && cached.until > Date.now()) return cached.author;
    const user = await this.findActive(username);
    if (user.sealedKey || !user.certificate) throw new ForbiddenError(`${username} has no key of their own enrolled`);
    const author = { username, mspId: user.mspId, certificate: user.certificate };
    if (this.authors.size >= 10_000) this.authors.clear();
    this.authors.set(username, { author, until: Date.now() + SESSION_CACHE_MS });
    return author;
  }

  /**
   * The identity a user's ledger reads are signed with: their own when the gateway holds their key; otherwise their
   * bureau's read-only identity (the chaincode lets every channel member read; the routes check what the user may
   * read first), since the gateway cannot sign a query as someone who holds their own key.
   */
  async reader(username: string): Promise<SigningUser> {
    const user = await this.findActive(username);
    if (user.sealedKey) return this.signer(username);
    return this.signer(user.mspId === AUDIT ? EVENTS_READER : bureauReader(user.org));
  }

  /**
   * The user's own Fabric identity for signing. Opened keys are cached briefly in this process (a cache, not state:
   * another replica opens its own); a revoked user cannot sign anyway, because they can no longer authenticate.
   */
  async signer(username: string): Promise<SigningUser> {
    const cached = this.signers.get(username);
    if (cached && cached.until > Date.now()) return cached.signer;
    const user = await this.findActive(username);
    if (!user.sealedKey || !user.certificate)
      throw new ForbiddenError(`${username} holds its own key: the gateway cannot sign for it`);
    const signer = {
      id: user._id,
      mspId: user.mspId,
      certificate: user.certificate,
      privateKey: this.vault.open(user._id, user.sealedKey),
    };
    if (this.signers.size >= 1000) this.signers.delete(this.signers.keys().next().value as string);
    this.signers.set(username, { signer, until: Date.now() + 60_000 });
    return signer;
  }
}

/** A bureau's read-only ledger identity (an auditor outside the Audit Bureau, whom the chaincode lets write nothing). */
const bureauReader = (org: string) => `system.reader.${org}`;

/** How long a replica trusts a session it has read (see `sessions`). */
const SESSION_CACHE_MS = 2_000;

const WRONG_PASSWORD = 'unknown user or wrong password';

// A valid hash of a random password, so that an unknown username costs as much as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

function publicUser(u: UserRecord): AuthenticatedUser {
  return {
    _id: u._id,
    org: u.org,
    mspId: u.mspId,
    role: u.role,
    dept: u.dept,
    company: u.company ?? null,
    displayName: u.displayName,
    status: u.status,
    custody: custodyOf(u),
  };
}

/** Certificates issued before the custody attribute: the gateway holds the key exactly when it keeps it sealed. */
const custodyOf = (u: UserRecord): Custody => (u.sealedKey ? 'gateway' : 'own');
