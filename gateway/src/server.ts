import http from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { apiDescription } from './api-description';
import type { Config } from './config';
import { healthRoutes } from './health/routes';
import { CertificateAuthority } from './identity/certificate-authority';
import { EVENTS_READER, IdentityService } from './identity/identity-service';
import { bearer, identityRoutes } from './identity/routes';
import { Ledger } from './ledger/ledger';
import { LiveUpdates } from './live/live-updates';
import { Admission, admissionGate, overloadShedder } from './operations/admission';
import { AnchoredWrites } from './operations/anchored-writes';
import { AuthorSignedWrites } from './operations/author-signed-writes';
import { operationRoutes } from './operations/routes';
import { connectDatabase } from './platform/database';
import { ensureJsonIndexes } from './platform/postgres-indexes';
import { errorHandler } from './error-handler';
import { RETIRED_DEFAULT_PASSWORDS } from './platform/installation-secrets';
import { RateLimit } from './platform/rate-limit';
import { keepRawBody } from './platform/raw-body';
import { NotFoundError } from './platform/errors';
import type { Logger } from './platform/logger';
import { PostgresPrimary } from './platform/postgres-primary';
import { PostgresMembers } from './projection/list-members';
import { createMetrics, projectorStageMetrics } from './platform/metrics';
import { trustedProxies } from './platform/client-address';
import { openApiDocument } from './platform/openapi';
import { webApp } from './platform/web-app';
import { RouteTable } from './platform/routes';
import { Projector } from './projection/projector';
import { consistentAfter } from './projection/consistency';
import { ReadModel, readModelCollections } from './projection/read-model';
import { domainRoutes, readModelEnrichers } from './domains';

export const API_PREFIX = '/v1';

/**
 * Connections the kernel completes before the gateway accepts them. Node's default (511) overflows under a burst: the
 * SYNs beyond it are dropped and retried by clients after 1, 3, 7… s, so they wait outside, unseen by admission, and
 * are neither served nor refused. Deeper (the kernel caps it at net.core.somaxconn), every request is read and, when
 * admission is full, refused at once.
 */
const LISTEN_BACKLOG = 4096;

/** Admin passwords older versions shipped in their source (checked at start: each costs one password hash per admin). */
const RETIRED_ADMIN_PASSWORDS = RETIRED_DEFAULT_PASSWORDS.filter((p) => p.startsWith('luohu-admin'));

/** The gateway's own collections (the read model's are listed by the read model). */
const GATEWAY_COLLECTIONS = [
  'users',
  'sessions',
  'operations',
  'checkpoints',
  'leases',
  'replicas',
  'signing_sessions',
  'enrollment_codes',
];

/** Connections of the projector's own pool: a batch's reads run 6 at once, plus its lease, checkpoint and lists. */
const PROJECTOR_POOL = 10;

/** Wires the gateway: database, ledger, identities, writes, read model, routes, live updates. */
export async function createServer(config: Config, logger: Logger) {
  const connection = await connectDatabase(config.mongoUrl, logger);
  if (config.connection.database.postgresql) {
    await ensureJsonIndexes(
      connection,
      [...GATEWAY_COLLECTIONS, ...readModelCollections()],
      config.connection.database.postgresql,
      logger,
    );
  }
  const ledger = new Ledger(config.connection, logger, config.ledgerTimeouts);
  const ca = new CertificateAuthority(config.connection);
  const identities = new IdentityService(
    connection,
    ca,
    config.keyEncryptionKey,
    config.sessionTtlMs,
    logger,
    undefined,
    undefined,
    config.enrollmentCodeTtlMs,
  );
  await identities.bootstrap(config.connection, config.adminPassword, RETIRED_ADMIN_PASSWORDS);
  const metrics = createMetrics();
  const admission = new Admission(config.submitConcurrency, config.submitQueue);
  const writes = new AnchoredWrites(connection, ledger, identities, admission, logger, metrics.writePhases);
  const signed = new AuthorSignedWrites(connection, ledger, writes);
  writes.forAuthors = signed; // anchored routes of users who hold their own key prepare, the user signs
  // FerretDB on PostgreSQL: list buckets are split and merged by one statement in its tables (list-members.ts).
  const postgres = config.connection.database.postgresql
    ? new PostgresPrimary(config.connection.database.postgresql)
    : undefined;
  // The projector on a pool of its own: requests that fill theirs cannot starve its lease renewals and writes (in the
  // mixed soak, "timed out while checking out a connection" cut its stream, it lost its lease and started over).
  const projectorConnection = await connectDatabase(config.mongoUrl, logger, {
    maxPoolSize: PROJECTOR_POOL,
    purpose: 'projector',
  });
  const projection = new ReadModel(
    projectorConnection,
    readModelEnrichers,
    logger,
    postgres ? new PostgresMembers(postgres) : undefined,
  );
  const readModel = new ReadModel(connection, readModelEnrichers, logger); // the same collections, for requests
  const reader = () => identities.signer(EVENTS_READER);
  ledger.useStatusReader(reader); // follows transactions signed by their authors (people and devices) to their commit
  const projector = new Projector(projectorConnection, ledger, reader, [projection], logger, (events) =>
    metrics.projectedEvents.inc(events),
  );
  projectorStageMetrics(metrics.registry, () => projector.stages.snapshot());

  const routes = new RouteTable(async (req) => {
    const token = bearer(req.headers.authorization);
    return token ? identities.authenticate(token) : undefined;
  });
  identityRoutes(
    routes,
    identities,
    new RateLimit(
      connection,
      'enrollments',
      config.keyEncryptionKey,
      { windowMs: 60 * 60_000, max: 1000 },
      'enrollment requests',
    ),
  );
  operationRoutes(routes, writes, signed);
  const app = express();
  const server = http.createServer(app);
  const live = new LiveUpdates(server, identities, ledger, reader, projector.checkpoint, logger, readModel);
  const modules = domainRoutes({
    routes,
    writes,
    signed,
    readModel,
    ledger,
    identities,
    config,
    logger,
    connection,
    live,
  });

  app.disable('x-powered-by');
  app.set('trust proxy', trustedProxies(config.trustedProxies)); // only configured proxies may name the client's address
  app.use(metrics.middleware);
  app.use(API_PREFIX, overloadShedder(routes.specs, admission)); // a burst is refused before it costs anything
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' } }));
  const openApi = openApiDocument(routes.specs, API_PREFIX, apiDescription());
  // The API document and swagger-ui under helmet too: swagger-ui loads only its own scripts (script-src 'self'); its
  // inline <style> and data: icons are within helmet's defaults. No upgrade-insecure-requests: the gateway may be plain HTTP.
  app.use(
    ['/docs', '/openapi.json'],
    helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } }),
  );
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApi));
  app.use(helmet());
  app.use(express.json({ limit: '1mb', verify: keepRawBody }));
  // After the body (a slow body must not hold a slot), before the session lookup and anything else that costs the database.
  app.use(API_PREFIX, admissionGate(routes.specs, admission));
  app.use(
    healthRoutes({
      ledger,
      connection,
      identities,
      metrics: metrics.registry,
      mspIds: config.connection.orgs.map((o) => o.mspId),
      operatorToken: config.operatorToken,
    }),
  );
  app.use(API_PREFIX, consistentAfter(connection)); // X-Consistent-After: a GET waits for the read model (projection/consistency.ts)
  app.use(API_PREFIX, routes.router);
  const site = webApp(config.appDir);
  if (site) app.use(site);
  app.use((req, _res, next) => next(new NotFoundError(`no route ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));

  return {
    app,
    server,
    connection,
    /** The route specs the API document is generated from (tests check answers against their response schemas). */
    specs: routes.specs,
    projector,
    async start() {
      if (config.projector) projector.start();
      live.start();
      for (const m of modules) await m.start?.();
      writes.recovery.start(); // settles operations left pending by a crash or an unknown outcome, every second
      await new Promise<void>((resolve) =>
        server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, resolve),
      );
      return server.address();
    },
    /** Graceful: stop taking requests, let accepted writes finish, stop streams, close connections. */
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const m of modules) await m.stop?.();
      await live.stop(); // ends the websocket connections server.close() would otherwise wait for
      await writes.drain();
      await writes.recovery.stop();
      await projector.stop();
      // In-flight requests get a few seconds to finish, then their connections are cut.
      await Promise.race([
        closed,
        new Promise<void>((resolve) =>
          setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, 5_000).unref(),
        ),
      ]);
      ledger.close();
      await connection.close();
      await projectorConnection.close();
      await postgres?.close();
    },
  };
}
