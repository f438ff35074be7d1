import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** What the gateway serves itself, never the app: the API, its documents, operator endpoints and the live stream. */
const NOT_THE_APP = /^\/(v1|docs|openapi\.json|socket\.io|healthz|readyz|metrics)(\/|$)/;

/**
 * The built web app (app/dist) on the gateway's own origin: its files, and index.html for every other GET a browser
 * makes (the app's own routes: /work, /projects/P-1…). Hashed assets are cached for a year, index.html never.
 * Without a build (a gateway run for the API alone) nothing is mounted.
 */
export function webApp(appDir: string): Router | undefined {
  const index = path.join(appDir, 'index.html');
  if (!fs.existsSync(index)) return undefined;
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(appDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  router.use(express.static(appDir, { index: false, maxAge: 0 }));
  // A middleware, not a route: the API's routes are the only ones the API document lists.
  router.use((req, res, next) => {
    if (req.method !== 'GET' || NOT_THE_APP.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
