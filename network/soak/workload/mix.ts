/** How often each workload is chosen: a weight per workload name (0: never). */
export type Mix = Record<string, number>;

/**
 * The mixed workload, anchors kept: an application slot is two writes (the application, its pre-review), a
 * payout slot four (milestone acceptance, request, approval, the bank's payment) and a contract per 100 payouts, or
 * none while another payout's request is in flight (workload/payout.ts).
 */
export const DEFAULT_MIX: Mix = {
  'batch-anchor': 6,
  complaint: 4,
  'alert-http': 4,
  'alert-mqtt': 4,
  application: 2,
  payout: 1,
};

/** `batch-anchor=3,complaint=2,…` (SOAK_MIX) → a mix; names must be among `known`. */
export function parseMix(text: string, known: string[]): Mix {
  const mix: Mix = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, weight] = part.split('=');
    if (!known.includes(name)) throw new Error(`SOAK_MIX: unknown workload "${name}" (${known.join(', ')})`);
    if (!(Number(weight) >= 0)) throw new Error(`SOAK_MIX: "${part}" needs a weight ≥ 0 (name=weight)`);
    mix[name] = Number(weight);
  }
  if (!Object.values(mix).some((w) => w > 0)) throw new Error('SOAK_MIX: no workload has a weight');
  return mix;
}

/** The golden ratio's fractional part: slot × it mod 1 spreads every run of slots evenly over [0, 1). */
const SPREAD = (Math.sqrt(5) - 1) / 2;

/**
 * The workload of write slot `slot`: a weighted choice that follows from the slot alone (a rerun writes the same mix in
 * the same order), each kind's share of any stretch of slots close to its weight.
 */
export function workloadOfSlot(slot: number, mix: Mix): string {
  const entries = Object.entries(mix).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let point = ((slot * SPREAD) % 1) * total;
  for (const [name, weight] of entries) {
    if (point < weight) return name;
    point -= weight;
  }
  return entries[entries.length - 1][0];
}
