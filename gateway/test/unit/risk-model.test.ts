import { expect } from 'chai';
import { assessRisk, RISK_MODEL_VERSION } from '../../src/monitoring/risk-model';

describe('monitoring: the risk model (no network)', () => {
  it('when the risk model is given the same inputs twice, then it gives the same documented score', () => {
    const mid = {
      weather: { rainfallMm: 55, windLevel: 6, temperatureC: 36 },
      schedule: { slipDays: 15 },
      staffing: { plannedWorkers: 100, actualWorkers: 75 },
    };
    expect(assessRisk(mid)).to.deep.equal(assessRisk(structuredClone(mid)));
    expect(assessRisk(mid)).to.include({ score: 50, level: 'medium', modelVersion: RISK_MODEL_VERSION });
    expect(
      assessRisk({
        weather: { rainfallMm: 0, windLevel: 2, temperatureC: 24 },
        schedule: { slipPercent: 0 },
        staffing: { plannedWorkers: 40, actualWorkers: 40 },
      }),
    ).to.include({ score: 0, level: 'low' });
    expect(
      assessRisk({
        weather: { rainfallMm: 150, windLevel: 9, temperatureC: 41 },
        schedule: { slipPercent: 25 },
        staffing: { plannedWorkers: 40, actualWorkers: 10 },
      }),
    ).to.include({ score: 100, level: 'high' });
  });
});
