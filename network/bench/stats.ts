import fs from 'node:fs';

/** Figures one load window produces, per client process. */
export interface WindowResult {
  committed: number;
  failed: number;
  errors: Record<string, number>;
  latenciesMs: number[];
  cpuMs: number;
  seconds: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux clock ticks are 10 ms). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Closed loop: `concurrency` workers each submit, wait for the commit, and go again until the window closes. */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  once: () => Promise<void>,
): Promise<WindowResult> {
  const latenciesMs: number[] = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const t0 = process.hrtime.bigint();
        try {
          await once();
          latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (err) {
          failed++;
          const key = ((err as Error).message ?? String(err)).split('\n')[0].slice(0, 120);
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    committed: latenciesMs.length,
    failed,
    errors,
    latenciesMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    seconds: (Date.now() - started) / 1000,
  };
}
