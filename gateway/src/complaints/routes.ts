import type { DomainDeps, DomainModule } from '../domain-deps';
import { RateLimit, RateLimitOptions } from '../platform/rate-limit';
import type { Enricher, RecordType } from '../projection/read-model';
import { ComplaintHandling } from './handling';
import { ComplaintIntake } from './intake';
import { EscalationOptions, EscalationScheduler } from './escalation-scheduler';
import { open311Routes } from './open311-routes';
import { complaintPhotoRoutes } from './photo-routes';
import { ComplaintPhotos } from './photos';
import { complaintStore } from './private-store';
import { derivedKey } from './secrets';
import { staffRoutes } from './staff-routes';
import { SystemIdentities } from './system-identities';

/** Settings of the complaints family: the escalation scheduler's timing and the intake rate limit. */
export interface ComplaintOptions {
  /** The clock for deadlines and the scheduler (tests move it). */
  now: () => Date;
  escalation: Omit<EscalationOptions, 'now'> & { enabled: boolean };
  rateLimit: RateLimitOptions;
  /** Photos per client address (each up to 5 MB). */
  photoRateLimit: RateLimitOptions;
}

export const DEFAULT_COMPLAINT_OPTIONS: ComplaintOptions = {
  now: () => new Date(),
  escalation: { enabled: true, intervalMs: 60_000, batch: 50, attemptWindowMs: 10 * 60_000 },
  // A citizen files a few complaints, not dozens: 10 an hour per IP (a shared NAT still gets through).
  rateLimit: { windowMs: 60 * 60_000, max: 10 },
  // A photo per complaint, and a second try: 20 an hour per IP (at most 100 MB an hour from one address).
  photoRateLimit: { windowMs: 60 * 60_000, max: 20 },
};

/** The family's parts, for the routes and for tests that drive them with their own clock. */
export function complaintParts(deps: DomainDeps, overrides: Partial<ComplaintOptions> = {}) {
  const options = { ...DEFAULT_COMPLAINT_OPTIONS, ...overrides };
  const connection = deps.connection;
  const store = complaintStore(connection);
  const system = new SystemIdentities(deps.identities, deps.config, deps.logger);
  const rateLimit = new RateLimit(
    connection,
    'complaints',
    deps.config.keyEncryptionKey,
    options.rateLimit,
    'complaints',
    options.now,
  );
  const intake = new ComplaintIntake({
    store,
    writes: deps.writes,
    system,
    rateLimit,
    tokenKey: derivedKey(deps.config.keyEncryptionKey, 'receipt-token'),
    now: options.now,
  });
  const handling = new ComplaintHandling({
    store,
    readModel: deps.readModel,
    ledger: deps.ledger,
    identities: deps.identities,
    now: options.now,
  });
  const scheduler = new EscalationScheduler(
    { readModel: deps.readModel, writes: deps.writes, system, logger: deps.logger },
    { ...options.escalation, now: options.now },
  );
  return { options, store, system, rateLimit, intake, handling, scheduler };
}

/** 公众投诉: Open311-style services and requests, classification, dispatch, answers, rating, escalation. */
export function complaintRoutes(deps: DomainDeps, overrides: Partial<ComplaintOptions> = {}): DomainModule {
  const parts = complaintParts(deps, overrides);
  open311Routes(deps.routes, {
    intake: parts.intake,
    readModel: deps.readModel,
    ledger: deps.ledger,
    identities: deps.identities,
  });
  complaintPhotoRoutes(deps.routes, {
    photos: new ComplaintPhotos(deps.connection),
    rateLimit: new RateLimit(
      deps.connection,
      'complaint-photos',
      deps.config.keyEncryptionKey,
      parts.options.photoRateLimit,
      'photos',
      parts.options.now,
    ),
    publicUrl: deps.config.publicUrl,
  });
  staffRoutes(deps.routes, deps.writes, parts.handling);
  return {
    async start() {
      // Registering the system users needs the CA; a failure here is retried on first use instead of stopping the gateway.
      await parts.system
        .ensure()
        .catch((err) => deps.logger.warn({ err }, 'complaint system users not registered yet'));
      if (parts.options.escalation.enabled) parts.scheduler.start();
    },
    async stop() {
      await parts.scheduler.stop();
    },
  };
}

/**
 * Query fields the complaints read model keeps: when it was received (Open311 date filters) and how often escalated.
 */
export const complaintsEnrichers: Partial<Record<RecordType, Enricher>> = {
  complaint: (c) => {
    const history = Array.isArray(c.history) ? (c.history as Array<{ step?: string; at?: string }>) : [];
    return { receivedAt: history[0]?.at ?? null, escalations: history.filter((h) => h.step === 'escalate').length };
  },
};
