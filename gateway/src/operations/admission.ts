import { performance } from 'node:perf_hooks';
import express, { NextFunction, Request, Response } from 'express';
import { OverloadedError } from '../platform/errors';
import type { RouteSpec } from '../platform/routes';

const PACE_WINDOW_MS = 2_000;

/**
 * A bounded queue in front of the ledger. How many writes it lets in follows what the ledger commits now (Little's law:
 * latency ≈ in flight / throughput): at most `targetMs` worth of the recent pace is in flight and at most `maxWaitMs`
 * worth waits, within the fixed caps. Beyond that a write is refused at once (503 + Retry-After) instead of being
 * accepted and left to wait for a commit that cannot come within seconds. When the ledger slows, the bound shrinks.
 */
export class Admission {
  private inFlight = 0;
  private readonly waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];
  /** When recent writes left (ms timestamps, oldest first, at most PACE_WINDOW_MS old). */
  private readonly done: number[] = [];
  private readonly floor: number;

  /**
   * @param concurrency most writes in flight, whatever the pace (SUBMIT_CONCURRENCY)
   * @param queue most writes waiting for a slot (SUBMIT_QUEUE)
   * @param maxWaitMs no write waits longer than this for a slot
   * @param targetMs what an admitted write should take at most: in flight is kept to this much of the recent pace
   * @param floor writes always allowed in flight and waiting, so that a cold or stalled ledger is still probed
   */
  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    private readonly maxWaitMs = 2_000,
    private readonly targetMs = 3_000,
    floor = 16,
  ) {
    this.floor = Math.min(floor, concurrency);
  }

  /** Writes per second that left the ledger over the last PACE_WINDOW_MS. */
  private pace(now = Date.now()): number {
    while (this.done.length > 0 && this.done[0] < now - PACE_WINDOW_MS) this.done.shift();
    return this.done.length / (PACE_WINDOW_MS / 1000);
  }

  /** The bounds now: writes in flight and waiting. */
  get bounds(): { concurrency: number; queue: number } {
    const pace = this.pace();
    return {
      concurrency: Math.max(this.floor, Math.min(this.concurrency, Math.ceil((pace * this.targetMs) / 1000))),
      queue: Math.max(
        Math.min(this.floor, this.queue),
        Math.min(this.queue, Math.ceil((pace * this.maxWaitMs) / 1000)),
      ),
    };
  }

  get load() {
    return { inFlight: this.inFlight, waiting: this.waiting.length, ...this.bounds };
  }

  /** Whether a write arriving now would be refused (no slot and no room to wait). */
  get full(): boolean {
    const bounds = this.bounds;
    return (this.inFlight >= bounds.concurrency || this.waiting.length > 0) && this.waiting.length >= bounds.queue;
  }

  /** Resolves with a release function once there is room; throws OverloadedError when full or waited too long. */
  async enter(): Promise<() => void> {
    this.admitWaiting(); // the bound may have grown since the last release
    const bounds = this.bounds;
    if (this.inFlight < bounds.concurrency && this.waiting.length === 0) {
      this.inFlight++;
    } else {
      if (this.waiting.length >= bounds.queue) throw new OverloadedError('the ledger is at capacity; retry shortly', 1);
      await new Promise<void>((resolve, reject) => {
        const entry = {
          admit: () => {
            clearTimeout(entry.timer);
            resolve();
          },
          timer: setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(entry), 1);
            reject(new OverloadedError('the ledger is at capacity; retry shortly', 1));
          }, this.maxWaitMs),
        };
        this.waiting.push(entry);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.done.push(Date.now());
      this.inFlight--;
      this.admitWaiting();
    };
  }

  /** Hands free slots to the writes waiting longest (fewer when the bound has shrunk). */
  private admitWaiting(): void {
    const { concurrency } = this.bounds;
    while (this.waiting.length > 0 && this.inFlight < concurrency) {
      this.inFlight++;
      this.waiting.shift()!.admit();
    }
  }
}

type AnchoredSpec = Pick<RouteSpec<never, never, never>, 'method' | 'path' | 'anchored'>;

/**
 * The first thing a request meets: while admission is full, anchored writes are refused here (503 + Retry-After),
 * before they are logged, parsed or authenticated, so that a burst costs the gateway's one thread next to nothing and
 * the connections behind it are read and refused quickly instead of queueing unread in the kernel.
 */
export function overloadShedder(specs: readonly AnchoredSpec[], admission: Admission): express.Router {
  const shed = express.Router();
  const refusal = new OverloadedError('the ledger is at capacity; retry shortly', 1);
  for (const spec of specs.filter((s) => s.anchored)) {
    shed[spec.method](spec.path, (_req: Request, res: Response, next: NextFunction) => {
      if (!admission.full) {
        next();
        return;
      }
      res
        .status(refusal.status)
        .set(refusal.headers)
        .json({ error: { code: refusal.code, message: refusal.message } });
    });
  }
  return shed;
}

/**
 * Admission at the door: anchored routes take their slot before the session is looked up, so that a burst is refused
 * without costing the database anything and the writes already admitted keep the database to themselves. The slot is
 * handed to the write (res.locals.admitted), or given back when the answer ends without one (refused, invalid).
 */
export function admissionGate(specs: readonly AnchoredSpec[], admission: Admission): express.Router {
  const gate = express.Router();
  for (const spec of specs.filter((s) => s.anchored)) {
    gate[spec.method](spec.path, async (_req: Request, res: Response, next: NextFunction) => {
      if (res.locals.admitted) {
        next();
        return;
      } // two anchored paths matched: one slot
      try {
        const release = await admission.enter();
        res.locals.admitted = release;
        res.locals.admittedAt = performance.now();
        res.on('close', () => {
          if (res.locals.admitted === release) release();
        });
        next();
      } catch (err) {
        next(err);
      }
    });
  }
  return gate;
}
