import crypto from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import type mongoose from 'mongoose';
import type { Ledger } from '../ledger/ledger';
import { pingDatabase } from '../platform/database';
import type { IdentityService } from '../identity/identity-service';
import { EVENTS_READER } from '../identity/identity-service';
import type client from 'prom-client';
import { UnauthorizedError } from '../platform/errors';

/**
 * What only operators may see (peer heights, errors naming internal hosts, every metric): a bearer token generated per
 * installation (`<networkDir>/secrets/operator-token`) or given as OPERATOR_TOKEN. `/healthz` stays public and says only "ok".
 */
export function operatorOnly(token: string) {
  const expected = crypto.createHash('sha256').update(token).digest();
  return (req: Request, _res: Response, next: NextFunction) => {
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const ok = crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected);
    next(
      ok ? undefined : new UnauthorizedError('operator endpoints need the operator token (Authorization: Bearer …)'),
    );
  };
}

/** Liveness, readiness (every peer's ledger height and the database) and Prometheus metrics. */
export function healthRoutes(deps: {
  ledger: Ledger;
  connection: mongoose.Connection;
  identities: IdentityService;
  metrics: client.Registry;
  mspIds: string[];
  operatorToken: string;
}) {
  const router = express.Router();
  const operator = operatorOnly(deps.operatorToken);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', operator, async (_req, res) => {
    const database = await pingDatabase(deps.connection);
    const peers = await Promise.all(
      deps.mspIds.map(async (mspId) => {
        try {
          const reader = await deps.identities.signer(EVENTS_READER);
          const info = await deps.ledger.channelHeight(reader, mspId);
          return { mspId, height: info, ok: true };
        } catch (err) {
          return { mspId, ok: false, error: (err as Error).message };
        }
      }),
    );
    const ready = database && peers.every((p) => p.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database, peers });
  });
  router.get('/metrics', operator, async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.metrics());
  });
  return router;
}
