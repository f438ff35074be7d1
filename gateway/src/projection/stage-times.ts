/**
 * Where the projector's time goes, summed per stage over the batches it applies (bench:projector prints it): a
 * stage is timed around the awaited work, so stages that wait for the database count their round trips. Cheap
 * enough to stay on (a clock read per stage per batch).
 */
export class StageTimes {
  private readonly totals = new Map<string, number>();
  batches = 0;
  events = 0;
  /** Each batch's time from being handed to the projector to its checkpoint saved, in order (the last 10,000). */
  readonly batchMs: number[] = [];

  /** A batch was applied and checkpointed in `ms`. */
  batch(events: number, ms: number): void {
    this.batches += 1;
    this.events += events;
    this.batchMs.push(ms);
    if (this.batchMs.length > 10_000) this.batchMs.shift();
  }

  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - started);
    }
  }

  add(stage: string, ms: number): void {
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + ms);
  }

  /** Milliseconds per stage so far, in the order stages were first timed. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }

  reset(): void {
    this.totals.clear();
    this.batches = 0;
    this.events = 0;
    this.batchMs.length = 0;
  }
}
