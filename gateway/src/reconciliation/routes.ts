import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { FileStore } from '../documents/file-store';
import { UPLOAD_MAX_BYTES } from '../documents/routes';
import { EVENTS_READER } from '../identity/identity-service';
import type { Role } from '../identity/models';
import { NotFoundError } from '../platform/errors';
import { given } from '../shared/read-queries';
import { page } from '../shared/schemas';
import { ReconciliationJob } from './job';
import { LedgerRecords } from './ledger-records';
import { Reconciler } from './reconciler';
import { FINDING_KINDS, type Finding, ReconciliationStore, type Run } from './store';

/** Who starts runs, reads findings and gets them pushed live. */
export const RECONCILIATION_ROLES: readonly Role[] = ['auditor', 'admin'];
/** The socket.io events that carry a new finding, and a run that ended (completed or failed). */
export const FINDING_EVENT = 'reconciliation-finding';
export const RUN_ENDED_EVENT = 'reconciliation-run-ended';

const runView = (r: Run) => ({
  id: r._id,
  trigger: r.trigger,
  requestedBy: r.requestedBy,
  replica: r.replica,
  status: r.status,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  progress: r.progress,
  error: r.error,
});
/** A finding as the API shows it. */
export const findingView = (f: Finding) => ({
  id: f._id,
  kind: f.kind,
  subject: f.subject,
  ref: f.ref,
  details: f.details,
  status: f.status,
  firstSeenAt: f.firstSeenAt,
  firstSeenRun: f.firstSeenRun,
  lastSeenAt: f.lastSeenAt,
  lastSeenRun: f.lastSeenRun,
  resolvedAt: f.resolvedAt,
  resolvedRun: f.resolvedRun,
});

const progress = z.object({
  recordsChecked: z.number(),
  filesChecked: z.number(),
  differences: z.number(),
  lagging: z.number(),
  newFindings: z.number(),
  resolvedFindings: z.number(),
  checking: z.string().nullable().describe('the record kind (or "files") being checked; null once the run ended'),
});
const runResponse = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'request']),
  requestedBy: z.string().nullable(),
  replica: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  startedAt: z.string().describe('ISO-8601 date-time'),
  finishedAt: z.string().nullable().describe('ISO-8601 date-time'),
  progress,
  error: z.string().nullable(),
});
const findingResponse = z.strictObject({
  id: z.string(),
  kind: z.enum(FINDING_KINDS),
  subject: z.strictObject({
    type: z.enum(['record', 'file']),
    recordType: z.string().optional(),
    key: z.array(z.string()),
  }),
  ref: z.string(),
  details: z.record(z.string(), z.unknown()).describe('what differs: fields with both values, or the file digests'),
  status: z.enum(['open', 'resolved']),
  firstSeenAt: z.string(),
  firstSeenRun: z.string(),
  lastSeenAt: z.string(),
  lastSeenRun: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedRun: z.string().nullable(),
});
const runPath = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) });

/**
 * 对账 reconciliation: every read-model record and stored file compared with the ledger, on request and on a
 * schedule; differences are findings (open until a later run no longer sees them), pushed live to auditors and admins.
 */
export function reconciliationRoutes({
  routes,
  connection,
  readModel,
  ledger,
  identities,
  live,
  config,
  logger,
}: DomainDeps): DomainModule {
  const store = new ReconciliationStore(connection);
  // Every family's enrichers (the read model's own), to re-derive a record's query fields.
  const enrichers = () => readModel.enrichers;
  const reconciler = new Reconciler({
    readModel,
    store,
    enrichers,
    logger,
    files: new FileStore(connection, UPLOAD_MAX_BYTES),
    ledger: new LedgerRecords(ledger, () => identities.signer(EVENTS_READER)),
    onFinding: (finding) => live?.notifyRoles(RECONCILIATION_ROLES, FINDING_EVENT, findingView(finding)),
  });
  const job = new ReconciliationJob(connection, reconciler, store, config.reconcileIntervalMs, logger, (run) =>
    live?.notifyRoles(RECONCILIATION_ROLES, RUN_ENDED_EVENT, runView(run)),
  );

  routes.add(
    {
      method: 'post',
      path: '/reconciliation/runs',
      tag: 'reconciliation',
      access: RECONCILIATION_ROLES,
      status: 202,
      response: runResponse,
      summary:
        'Start a reconciliation run now: every read-model record against the ledger, every stored file against its SHA-256. ' +
        '202 with the run (follow it at Location); 409 while a run is in progress on any replica',
      body: z.strictObject({}),
    },
    async ({ user, req, res }) => {
      const run = await job.begin('request', user!._id);
      res.setHeader('Location', `${req.baseUrl}/reconciliation/runs/${run._id}`);
      return runView(run);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/reconciliation/runs',
      response: z.strictObject({ items: z.array(runResponse) }),
      tag: 'reconciliation',
      access: RECONCILIATION_ROLES,
      summary: 'The latest reconciliation runs, newest first',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    },
    async ({ query }) => ({ items: (await store.latestRuns(query.limit)).map(runView) }),
  );

  routes.add(
    {
      method: 'get',
      path: '/reconciliation/runs/:id',
      tag: 'reconciliation',
      access: RECONCILIATION_ROLES,
      params: runPath,
      response: runResponse,
      summary:
        'A reconciliation run: its status and progress (records and files checked, differences, new and resolved findings)',
    },
    async ({ params }) => {
      const run = await store.getRun(params.id);
      if (!run) throw new NotFoundError(`no reconciliation run ${params.id}`);
      return runView(run);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/reconciliation/findings',
      response: z.strictObject({ items: z.array(findingResponse), next: z.string().nullable() }),
      tag: 'reconciliation',
      access: RECONCILIATION_ROLES,
      summary:
        'Reconciliation findings (changed-field, changed-file, missing-anchor, missing-record), by status and kind; ' +
        'a finding stays open while runs see it and is resolved by the first run that does not',
      query: page.extend({ status: z.enum(['open', 'resolved']).optional(), kind: z.enum(FINDING_KINDS).optional() }),
    },
    async ({ query }) => {
      const found = await store.list(given({ status: query.status, kind: query.kind }), query.limit, query.after);
      return { items: found.items.map(findingView), next: found.next };
    },
  );

  return { start: () => job.start(), stop: () => job.stop() };
}
