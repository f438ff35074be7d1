import { OverloadedError } from '../platform/errors';

/**
 * A bounded queue in front of the ledger: at most `concurrency` transactions in flight and `queue` waiting.
 * Beyond that a write is refused at once (503 + Retry-After) instead of being accepted and left to rot.
 */
export class Admission {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number, private readonly queue: number) {}

  get load() { return { inFlight: this.inFlight, waiting: this.waiting.length }; }

  /** Resolves with a release function once there is room; throws OverloadedError when the queue is full. */
  async enter(): Promise<() => void> {
    if (this.inFlight >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new OverloadedError('the ledger is at capacity; retry shortly', 1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.inFlight++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over
      else this.inFlight--;
    };
  }
}
