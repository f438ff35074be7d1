import express from 'express';
import type mongoose from 'mongoose';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { IdentityService } from '../src/identity/identity-service';
import { bearer as bearerToken } from '../src/identity/routes';
import { Ledger } from '../src/ledger/ledger';
import { Admission } from '../src/operations/admission';
import { AuthorSignedWrites } from '../src/operations/author-signed-writes';
import { AnchoredWrites } from '../src/operations/anchored-writes';
import { connectDatabase } from '../src/platform/database';
import { errorHandler } from '../src/error-handler';
import { createLogger } from '../src/platform/logger';
import { RouteTable } from '../src/platform/routes';
import { ReadModel } from '../src/projection/read-model';
import { readModelEnrichers } from '../src/domains';
import { complaintParts, ComplaintOptions, DEFAULT_COMPLAINT_OPTIONS } from '../src/complaints/routes';
import { open311Routes } from '../src/complaints/open311-routes';
import { staffRoutes } from '../src/complaints/staff-routes';
import { testConfig } from './support/gateway';

/**
 * A second complaints "replica" in the test process, on the suite's network and database, with its own clock,
 * scheduler and rate limits: what the shared gateway under test cannot be told. Events are projected by the shared
 * gateway (start it first); this one only reads and writes.
 */
export async function complaintsReplica(overrides: Partial<ComplaintOptions> = {}) {
  const config = testConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const connection: mongoose.Connection = await connectDatabase(config.mongoUrl, logger);
  const ledger = new Ledger(config.connection, logger);
  const identities = new IdentityService(
    connection,
    new CertificateAuthority(config.connection),
    config.keyEncryptionKey,
    config.sessionTtlMs,
    logger,
  );
  const writes = new AnchoredWrites(connection, ledger, identities, new Admission(20, 20), logger);
  const readModel = new ReadModel(connection, readModelEnrichers);
  const routes = new RouteTable(async (req) => {
    const token = bearerToken(req.headers.authorization);
    return token ? identities.authenticate(token) : undefined;
  });
  const signed = new AuthorSignedWrites(connection, ledger, writes);
  const parts = complaintParts(
    { routes, writes, signed, readModel, ledger, identities, config, logger, connection },
    { ...overrides, escalation: { ...DEFAULT_COMPLAINT_OPTIONS.escalation, enabled: false, ...overrides.escalation } },
  );
  open311Routes(routes, { intake: parts.intake, readModel, ledger, identities });
  staffRoutes(routes, writes, parts.handling);
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(express.json());
  app.use('/v1', routes.router);
  app.use(errorHandler(logger));
  return {
    ...parts,
    app,
    readModel,
    ledger,
    identities,
    async close() {
      await parts.scheduler.stop();
      await writes.drain();
      ledger.close();
      await connection.close();
    },
  };
}
