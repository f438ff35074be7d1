import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import client from 'prom-client';

/** Prometheus metrics of this process: defaults, HTTP request durations by route, anchored-write phases. */
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
    res.locals.receivedAt = performance.now(); // before body parsing and authentication
    const end = httpDuration.startTimer();
    res.on('finish', () =>
      end({
        method: req.method,
        route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched',
        status: String(res.statusCode),
      }),
    );
    next();
  };
  const projectedEvents = new client.Counter({
    name: 'luohu_projected_events_total',
    help: 'Ledger events this process applied to the read model',
    registers: [registry],
  });
  const writePhases = new client.Histogram({
    name: 'luohu_write_phase_seconds',
    help: 'Time an anchored write spends in each phase: auth (body, session), admission, lookup, endorse, record, commit, receipt',
    labelNames: ['phase'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, middleware, projectedEvents, writePhases };
}

/**
 * The projector's time by stage (projection/stage-times.ts), read when scraped: where a read model that falls behind
 * spends its time, seen on a running system and not only in bench:projector.
 */
export function projectorStageMetrics(registry: client.Registry, stages: () => Record<string, number>): void {
  new client.Counter({
    name: 'luohu_projector_stage_seconds_total',
    help: 'Time the projector spent in each stage (wait, decode, read, place, write, split, merge, directories, checkpoint)',
    labelNames: ['stage'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [stage, ms] of Object.entries(stages())) this.inc({ stage }, ms / 1000);
    },
  });
}

/**
 * The phases of one request, each ended by mark(): answered as a Server-Timing header (so a client or a benchmark
 * sees where its time went) and observed in a histogram.
 */
export class ServerTiming {
  private readonly phases: [string, number][] = [];
  private last: number;

  constructor(
    startedAt = performance.now(),
    private readonly histogram?: client.Histogram<'phase'>,
  ) {
    this.last = startedAt;
  }

  /** Ends the current phase, naming it (at `now` when it ended earlier). */
  mark(phase: string, now = performance.now()): void {
    this.phases.push([phase, now - this.last]);
    this.histogram?.observe({ phase }, (now - this.last) / 1000);
    this.last = now;
  }

  get header(): string {
    return this.phases.map(([phase, ms]) => `${phase};dur=${ms.toFixed(1)}`).join(', ');
  }
}
