import { z } from 'zod';

/**
 * The gateway's construction-site risk model, version luohu-risk-1.0.0. A weighted sum of five factors, each
 * scaled to 0…1 with thresholds taken from common site rules, giving a score of 0…100 (one decimal):
 *
 * | factor      | input                                   | 0 at            | 1 at                         | weight |
 * |-------------|-----------------------------------------|-----------------|------------------------------|--------|
 * | rain        | rainfall of the day, mm                 | ≤ 10 mm         | ≥ 100 mm (大暴雨)             | 0.25   |
 * | wind        | wind level (Beaufort, 0–17)             | ≤ level 4       | ≥ level 8 (lifting stops at 6)| 0.25   |
 * | temperature | °C                                      | 0 … 32 °C       | ≥ 40 °C or ≤ −10 °C          | 0.15   |
 * | schedule    | slip in days, or in % of planned time   | no slip         | ≥ 30 days or ≥ 20 %          | 0.20   |
 * | staffing    | actual vs planned workers on site       | fully staffed   | half (or less) of the plan   | 0.15   |
 *
 * Levels: < 30 low, < 60 medium, otherwise high. Pure and deterministic: the same inputs always give the same score,
 * and every score goes to the ledger with its inputs and this version, so it can be recomputed and audited.
 */
export const RISK_MODEL_VERSION = 'luohu-risk-1.0.0';

const WEIGHTS = { rain: 0.25, wind: 0.25, temperature: 0.15, schedule: 0.2, staffing: 0.15 } as const;

export const riskInputs = z.strictObject({
  weather: z.strictObject({
    rainfallMm: z.number().min(0).max(1000),
    windLevel: z.number().int().min(0).max(17),
    temperatureC: z.number().min(-40).max(60),
  }),
  schedule: z
    .union([
      z.strictObject({ slipDays: z.number().int().min(0).max(3650) }),
      z.strictObject({ slipPercent: z.number().min(0).max(1000) }),
    ])
    .describe('schedule slip: either { slipDays } or { slipPercent } (of the planned duration)'),
  staffing: z.strictObject({
    plannedWorkers: z.number().int().min(1).max(100_000),
    actualWorkers: z.number().int().min(0).max(100_000),
  }),
});
/** The risk model's inputs: weather, schedule slip and staffing. */
export type RiskInputs = z.infer<typeof riskInputs>;

/** A risk score with the inputs and model version it came from, so that anyone can recompute it. */
export interface RiskAssessment {
  score: number;
  level: 'low' | 'medium' | 'high';
  modelVersion: string;
  factors: Record<keyof typeof WEIGHTS, number>;
  /** The inputs as stored on the ledger: one flat object of numbers (the chaincode refuses nested inputs). */
  inputs: Record<string, number>;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** Scores a project's risk (0-100) from its inputs with the current model. */
export function assessRisk(input: RiskInputs): RiskAssessment {
  const { weather, schedule, staffing } = input;
  const factors = {
    rain: clamp01((weather.rainfallMm - 10) / 90),
    wind: clamp01((weather.windLevel - 4) / 4),
    temperature: Math.max(clamp01((weather.temperatureC - 32) / 8), clamp01(-weather.temperatureC / 10)),
    schedule: 'slipDays' in schedule ? clamp01(schedule.slipDays / 30) : clamp01(schedule.slipPercent / 20),
    staffing: clamp01((1 - staffing.actualWorkers / staffing.plannedWorkers) / 0.5),
  };
  const weighted = (Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]).reduce(
    (sum, k) => sum + WEIGHTS[k] * factors[k],
    0,
  );
  const score = round(100 * weighted, 1);
  return {
    score,
    level: score < 30 ? 'low' : score < 60 ? 'medium' : 'high',
    modelVersion: RISK_MODEL_VERSION,
    factors: Object.fromEntries(Object.entries(factors).map(([k, v]) => [k, round(v, 4)])) as RiskAssessment['factors'],
    inputs: { ...weather, ...schedule, ...staffing },
  };
}
