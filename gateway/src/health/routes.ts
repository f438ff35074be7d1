import express from 'express';
import type mongoose from 'mongoose';
import type { Ledger } from '../ledger/ledger';
import { pingDatabase } from '../platform/database';
import type { IdentityService } from '../identity/identity-service';
import { EVENTS_READER } from '../identity/identity-service';
import type client from 'prom-client';

/** Liveness, readiness (every peer's ledger height and the database) and Prometheus metrics. */
export function healthRoutes(deps: { ledger: Ledger; connection: mongoose.Connection; identities: IdentityService; metrics: client.Registry; mspIds: string[] }) {
  const router = express.Router();
  router.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  router.get('/readyz', async (_req, res) => {
    const database = await pingDatabase(deps.connection);
    const peers = await Promise.all(deps.mspIds.map(async (mspId) => {
      try {
        const reader = await deps.identities.signer(EVENTS_READER);
        const info = await deps.ledger.channelHeight(reader, mspId);
        return { mspId, height: info, ok: true };
      } catch (err) {
        return { mspId, ok: false, error: (err as Error).message };
      }
    }));
    const ready = database && peers.every((p) => p.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database, peers });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.metrics());
  });
  return router;
}
