import { GatewayError } from '@hyperledger/fabric-gateway';
import { chaincodeMessage, LedgerUnavailable } from './errors';

/** How long a refusal waits for the refusing peer to catch up before the write is answered 503. */
export const CATCH_UP_MS = 5_000;
const POLL_MS = 100;

/** The channel height one bureau's peer reports; undefined when it does not answer. */
export type HeightOf = (mspId: string) => Promise<number | undefined>;

/** Time as the wait sees it (a test's own in unit tests). */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const realClock: Clock = { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

const REFUSAL = /chaincode response \d+,/;

/**
 * Whether a chaincode refusal must be checked once more before it is answered. Each bureau has one peer, and a peer
 * that was cut off or paused endorses from its own state until it has caught up: a write that depends on one
 * acknowledged a moment before (committed on the other peers) is refused there — "not found" — though it would
 * succeed. Such a refusal is not the truth, and it would be replayed for the client's Idempotency-Key.
 *
 * The peer catches up within milliseconds of the refusal, so its height afterwards cannot tell whether it refused from
 * a stale state (seen on the network: behind when it simulated, level by the time it was asked). What can be known is
 * the highest height any peer reports now, which holds every block acknowledged before the write: once every refusing
 * peer has reached it (a peer reports a height only after committing that block's state), an endorsement there sees
 * what the client saw. So: true — endorse once more, and that answer is the truth — once the refusers are there; false
 * when no peer answers its height. Every code is checked, invalid_request too: some depend on the ledger (a project's
 * files must have been uploaded by its company, applicant.ts), and a soak saw a peer restarted 12 s behind refuse a
 * file uploaded a moment before. Still behind after CATCH_UP_MS: LedgerUnavailable (503, Retry-After), which the
 * client may retry with the same key.
 */
export async function refusalToRecheck(
  err: unknown,
  bureaus: string[],
  heightOf: HeightOf,
  clock: Clock = realClock,
): Promise<boolean> {
  if (!(err instanceof GatewayError) || chaincodeMessage(err) === undefined) return false;
  const named = err.details.filter((d) => REFUSAL.test(d.message)).map((d) => d.mspId);
  const refusers = named.length > 0 ? [...new Set(named)] : bureaus;
  const heights = await readHeights(bureaus, heightOf);
  const target = Math.max(...[...heights.values()].filter((h): h is number => h !== undefined));
  if (!Number.isFinite(target)) return false;
  const behind = (h: Map<string, number | undefined>) =>
    refusers.filter((mspId) => h.get(mspId) !== undefined && h.get(mspId)! < target);
  let lagging = behind(heights);
  const deadline = clock.now() + CATCH_UP_MS;
  while (lagging.length > 0) {
    if (clock.now() >= deadline)
      throw new LedgerUnavailable(
        `${lagging.join(', ')} refused from a ledger behind the channel's (height ${target}) and has not caught up in ` +
          `${CATCH_UP_MS / 1000} s: the refusal may not hold; retry with the same Idempotency-Key`,
      );
    await clock.sleep(POLL_MS);
    lagging = behind(await readHeights(lagging, heightOf));
  }
  return true;
}

/**
 * The bureau whose peer reports the highest height — `preferred` when it is among them — for a read that must see
 * every write acknowledged before it; undefined when no peer answers.
 */
export async function furthestAlong(
  bureaus: string[],
  heightOf: HeightOf,
  preferred: string,
): Promise<string | undefined> {
  const heights = await readHeights(bureaus, heightOf);
  const known = [...heights].filter((e): e is [string, number] => e[1] !== undefined);
  if (known.length === 0) return undefined;
  const top = Math.max(...known.map(([, h]) => h));
  return heights.get(preferred) === top ? preferred : known.find(([, h]) => h === top)![0];
}

async function readHeights(bureaus: string[], heightOf: HeightOf): Promise<Map<string, number | undefined>> {
  const heights = await Promise.all(bureaus.map((b) => heightOf(b).catch(() => undefined)));
  return new Map(bureaus.map((b, i) => [b, heights[i]]));
}
