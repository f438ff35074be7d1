import type { Tally } from './check';
import type { FaultEvent } from './faults';
import type { SoakResult } from './run';
import type { WriteRecord } from './writers';

/** One fault's cost: the longest stretch without an acknowledged write around it, and the answers clients had to retry. */
export interface FaultFigures {
  kind: string;
  node: string;
  secondsWithoutWrites: number;
  retriedAnswers: number;
}

export interface SoakFigures extends Tally {
  /** Writes, answers and problems per workload kind (batch-anchor, complaint, alert-http, …). */
  kinds: Record<string, Tally>;
  /** The longest stretch without an acknowledged write while no fault was in progress (the baseline). */
  quietGapSeconds: number;
  /** The final refusals by kind, status and code (e.g. `alert-mqtt 503 overloaded`): what the clients were told no. */
  refusals: Record<string, number>;
  faults: FaultFigures[];
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** The longest interval inside [from, to] with no acknowledgement, in seconds. */
function longestGap(ackTimes: number[], from: number, to: number): number {
  let previous = from;
  let longest = 0;
  for (const t of ackTimes) {
    if (t < from) continue;
    if (t > to) break;
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return Math.max(longest, to - previous) / 1000;
}

function countRefusals(records: WriteRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records)
    if (r.final && r.final.status !== 201) {
      const what = `${r.kind} ${r.final.status} ${r.final.code ?? ''}`.trim();
      counts[what] = (counts[what] ?? 0) + 1;
    }
  return counts;
}

/** How long after a fault's node is back its effects are still counted (unless the next fault starts sooner). */
const AFTER_MS = 15_000;

/**
 * Each fault's window: from its kill until AFTER_MS after its node is back, cut at the next fault's kill, so that one
 * fault's outage is never counted against the fault before it.
 */
export function faultWindows(faults: FaultEvent[]): Array<[number, number]> {
  return faults.map((f, i) => [f.killedAt, Math.min(f.restoredAt + AFTER_MS, faults[i + 1]?.killedAt ?? Infinity)]);
}

export function figures(result: SoakResult): SoakFigures {
  const acks = result.records
    .flatMap((r: WriteRecord) => r.answers.filter((a) => a.status === 201).map((a) => a.at))
    .sort((a, b) => a - b);
  const windows = faultWindows(result.faults);
  const firstFault = result.faults[0];
  const lags = [...result.lags].sort((a, b) => a - b);
  const v = result.verdict;
  return {
    writes: v.writes,
    acknowledged: v.acknowledged,
    refused: v.refused,
    unresolved: v.unresolved,
    lost: v.lost.length,
    duplicated: v.duplicated.length,
    misreported: v.misreported.length,
    kinds: v.byKind,
    refusals: countRefusals(result.records),
    quietGapSeconds: longestGap(acks, result.startedAt + 5_000, firstFault ? firstFault.killedAt : result.stoppedAt),
    faults: result.faults.map((f, i) => {
      const [from, to] = windows[i];
      return {
        kind: f.kind,
        node: f.node,
        secondsWithoutWrites: longestGap(acks, from, Math.min(to, result.stoppedAt)),
        retriedAnswers: result.records
          .flatMap((r) => r.answers)
          .filter((a) => a.status !== 201 && a.at >= from && a.at <= to).length,
      };
    }),
    lagP50Ms: quantile(lags, 0.5),
    lagP99Ms: quantile(lags, 0.99),
    lagMaxMs: lags.length ? lags[lags.length - 1] : null,
  };
}

/** The figures as the README's table and a few lines. */
export function printable(f: SoakFigures, result: SoakResult): string {
  const lines = [
    `writes ${f.writes}: acknowledged ${f.acknowledged}, refused ${f.refused}, unresolved ${f.unresolved}`,
    `lost ${f.lost}, duplicated ${f.duplicated}, misreported ${f.misreported}`,
    '',
    '| kind | writes | acknowledged | refused | unresolved | lost | duplicated | misreported |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(f.kinds)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([kind, k]) =>
          `| ${kind} | ${k.writes} | ${k.acknowledged} | ${k.refused} | ${k.unresolved} | ${k.lost} | ${k.duplicated} | ${k.misreported} |`,
      ),
    '',
    `read-model lag (201 → visible): p50 ${f.lagP50Ms ?? '-'} ms, p99 ${f.lagP99Ms ?? '-'} ms, max ${f.lagMaxMs ?? '-'} ms`,
    `refused: ${
      Object.entries(f.refusals)
        .map(([what, n]) => `${what} ×${n}`)
        .join(', ') || 'none'
    }`,
    `longest stretch without writes before any fault: ${f.quietGapSeconds.toFixed(1)} s`,
    '',
    '| fault (SIGKILL, back after `network up`) | node | seconds without writes | answers retried |',
    '|---|---|---|---|',
    ...f.faults.map((x) => `| ${x.kind} | ${x.node} | ${x.secondsWithoutWrites.toFixed(1)} | ${x.retriedAnswers} |`),
  ];
  for (const fault of result.faults) if (fault.error) lines.push(`fault ${fault.kind} failed: ${fault.error}`);
  const problems = [...result.verdict.lost, ...result.verdict.duplicated, ...result.verdict.misreported];
  if (problems.length) lines.push('', 'problems:', ...problems.slice(0, 20).map((p) => `  ${p}`));
  return lines.join('\n');
}
