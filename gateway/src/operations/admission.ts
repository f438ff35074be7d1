import { OverloadedError } from '../platform/errors';

/**
 * A bounded queue in front of the ledger: at most `concurrency` writes in flight, at most `queue` waiting, and none
 * waiting longer than `maxWaitMs`. Beyond that a write is refused (503 + Retry-After) instead of being accepted and
 * left to wait for a commit that cannot come within seconds.
 */
export class Admission {
  private inFlight = 0;
  private readonly waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly concurrency: number, private readonly queue: number, private readonly maxWaitMs = 2_000) {}

  get load() { return { inFlight: this.inFlight, waiting: this.waiting.length }; }

  /** Resolves with a release function once there is room; throws OverloadedError when full or waited too long. */
  async enter(): Promise<() => void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
    } else {
      if (this.waiting.length >= this.queue) throw new OverloadedError('the ledger is at capacity; retry shortly', 1);
      await new Promise<void>((resolve, reject) => {
        const entry = {
          admit: () => { clearTimeout(entry.timer); resolve(); },
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
      const next = this.waiting.shift();
      if (next) next.admit(); // hand the slot over
      else this.inFlight--;
    };
  }
}
