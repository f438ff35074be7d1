/**
 * A peer that stops answering without closing its connections — its link cut (packets dropped, not refused), its
 * process hung — gives no error to fail over on: a call to it waits for its deadline (15 s to endorse, 30 s for a
 * commit status). So a call still unanswered well past its usual time is made once more through another peer, and
 * the first answer that settles it is the one given. This is safe for every call the ledger makes: an evaluation or an
 * endorsement writes nothing (only one endorsement is ever submitted), and a transaction sent twice keeps its ID, so it
 * commits at most once (a later copy is invalidated as DUPLICATE_TXID, and a status by ID is the first copy's).
 */

/** How one call went: the value, or the failure. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Calls the ledger hedges, each with its own usual time. */
export type CallKind = 'evaluate' | 'endorse' | 'commit';

/** The least and most a call waits before it is hedged. */
const BOUNDS: Record<CallKind, { floorMs: number; ceilingMs: number }> = {
  // Evaluations and endorsements take tens of milliseconds on a quiet machine, a few hundred on a busy one.
  evaluate: { floorMs: 750, ceilingMs: 2_000 },
  endorse: { floorMs: 750, ceilingMs: 2_000 },
  // Submit and commit status wait for a block to be cut and committed.
  commit: { floorMs: 1_000, ceilingMs: 2_500 },
};
/** Successful calls remembered per kind (their 90th percentile, times three, sets the delay between the bounds). */
const WINDOW = 100;

/**
 * When to hedge each kind of call: three times the 90th percentile of its recent successful calls, within the kind's
 * bounds. On a quiet machine that is the floor; as the machine slows, fewer healthy calls are hedged (the extra load
 * would slow it further), and the ceiling keeps a silent peer's cost to seconds.
 */
export class HedgeDelays {
  private readonly recent = new Map<CallKind, number[]>();

  record(kind: CallKind, ms: number): void {
    const list = this.recent.get(kind) ?? [];
    list.push(ms);
    if (list.length > WINDOW) list.shift();
    this.recent.set(kind, list);
  }

  delayMs(kind: CallKind): number {
    const { floorMs, ceilingMs } = BOUNDS[kind];
    const list = [...(this.recent.get(kind) ?? [])].sort((a, b) => a - b);
    if (list.length < 10) return floorMs;
    const p90 = list[Math.min(list.length - 1, Math.floor(list.length * 0.9))];
    return Math.min(ceilingMs, Math.max(floorMs, 3 * p90));
  }
}

/**
 * Runs `first`; if it has not ended after `delayMs`, runs `second` too — which may find nothing to call (undefined:
 * no peer is silent, or there is no other to ask), and then the first is waited for. Before the hedge, the first
 * call's outcome is the answer, whatever it is (a quick failure is the caller's to retry). After it, the answer is
 * the first outcome that `settles` (a success, or a failure that holds wherever it is asked, such as a chaincode
 * refusal), else the outcome of whichever call ends last. A call left running is not cancelled (fabric-gateway
 * cannot): its outcome is ignored. `first` and `second` report failures as outcomes; they never reject.
 */
export function hedged<O>(
  first: () => Promise<O>,
  second: () => Promise<O | undefined>,
  delayMs: number,
  settles: (outcome: O) => boolean,
): Promise<O> {
  return new Promise((resolve) => {
    let running = 0;
    let hedgedAlready = false;
    let done = false;
    let last: O | undefined;
    const finish = (outcome: O) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const ended = (outcome: O | undefined) => {
      running--;
      if (outcome !== undefined) {
        last = outcome;
        if (!hedgedAlready || settles(outcome)) return finish(outcome);
      }
      if (running === 0 && last !== undefined) finish(last);
    };
    const timer = setTimeout(() => {
      hedgedAlready = true;
      running++;
      void second().then(ended, () => ended(undefined));
    }, delayMs);
    running++;
    void first().then(ended);
  });
}
