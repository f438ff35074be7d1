import { expect } from 'chai';
import type { FaultEvent } from '../soak/faults';
import { faultWindows } from '../soak/report';

/** The soak's figures, without a network: which stretch of time each fault answers for. */
describe('the soak report (pure)', () => {
  const fault = (kind: FaultEvent['kind'], killedAt: number, restoredAt: number): FaultEvent => ({
    kind,
    node: kind,
    killedAt,
    restoredAt,
  });

  it('when the next fault comes before the last one has had its 15 s after, then its window ends at the next kill', () => {
    // Seen in a short soak: the CA's window took in PostgreSQL's outage, and both read 4.6 s.
    const windows = faultWindows([fault('ca', 0, 6_000), fault('postgres', 16_000, 22_000)]);
    expect(windows).to.deep.equal([
      [0, 16_000],
      [16_000, 37_000],
    ]);
  });

  it('when faults are far apart, then each window lasts until 15 s after its node is back', () => {
    const windows = faultWindows([fault('peer', 0, 5_000), fault('gateway', 60_000, 70_000)]);
    expect(windows).to.deep.equal([
      [0, 20_000],
      [60_000, 85_000],
    ]);
  });
});
