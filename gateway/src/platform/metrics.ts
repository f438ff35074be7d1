import type { RequestHandler } from 'express';
import client from 'prom-client';

/** Prometheus metrics of this process: defaults plus HTTP request durations by route. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'luohu_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => end({ method: req.method, route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: String(res.statusCode) }));
    next();
  };
  const projectedEvents = new client.Counter({ name: 'luohu_projected_events_total', help: 'Ledger events this process applied to the read model', registers: [registry] });
  return { registry, middleware, projectedEvents };
}
