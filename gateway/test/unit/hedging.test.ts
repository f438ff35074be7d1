import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { hedged, HedgeDelays } from '../../src/ledger/hedging';

type O = { ok: boolean; from: string };
const after = (ms: number, outcome: O) => sleep(ms).then(() => outcome);
const settles = (o: O) => o.ok || o.from.endsWith('refusal');

describe('hedging a call to a peer that may be silent', () => {
  it('when the first call ends before the delay, then its outcome is the answer and no other call is made', async () => {
    let asked = 0;
    const quickFailure = await hedged(
      () => after(5, { ok: false, from: 'first' }),
      async () => (asked++, after(1, { ok: true, from: 'second' })),
      50,
      settles,
    );
    expect(quickFailure).to.deep.equal({ ok: false, from: 'first' });
    await sleep(80);
    expect(asked).to.equal(0);
  });

  it('when the first call is silent past the delay, then the second call’s success is the answer', async () => {
    const answer = await hedged(
      () => after(2_000, { ok: true, from: 'first' }),
      () => after(5, { ok: true, from: 'second' }),
      20,
      settles,
    );
    expect(answer).to.deep.equal({ ok: true, from: 'second' });
  });

  it('when the second call fails in a way another peer may not, then the first call’s later success is the answer', async () => {
    const answer = await hedged(
      () => after(80, { ok: true, from: 'first' }),
      () => after(5, { ok: false, from: 'second: unavailable' }),
      20,
      settles,
    );
    expect(answer).to.deep.equal({ ok: true, from: 'first' });
  });

  it('when the second call is refused (a failure that holds everywhere), then the refusal is answered without waiting for the first', async () => {
    const started = Date.now();
    const answer = await hedged(
      () => after(2_000, { ok: true, from: 'first' }),
      () => after(5, { ok: false, from: 'second: refusal' }),
      20,
      settles,
    );
    expect(answer.from).to.equal('second: refusal');
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('when both calls fail without settling, then the outcome of the one that ended last is the answer', async () => {
    const answer = await hedged(
      () => after(60, { ok: false, from: 'first: deadline' }),
      () => after(5, { ok: false, from: 'second: unavailable' }),
      20,
      settles,
    );
    expect(answer.from).to.equal('first: deadline');
  });

  it('when the hedge finds nothing to call (no peer is silent), then the first call’s outcome is awaited, even a failure', async () => {
    const answer = await hedged(
      () => after(60, { ok: false, from: 'first: deadline' }),
      async () => undefined,
      10,
      settles,
    );
    expect(answer).to.deep.equal({ ok: false, from: 'first: deadline' });
  });

  it('when the hedge finds nothing to call only after the first call has failed, then that failure is the answer', async () => {
    const answer = await hedged(
      () => after(30, { ok: false, from: 'first: unavailable' }),
      () => sleep(60).then(() => undefined),
      10,
      settles,
    );
    expect(answer).to.deep.equal({ ok: false, from: 'first: unavailable' });
  });
});

describe('when to hedge', () => {
  it('when few calls are known, then the kind’s floor is the delay', () => {
    const delays = new HedgeDelays();
    for (let i = 0; i < 9; i++) delays.record('endorse', 900);
    expect(delays.delayMs('endorse')).to.equal(750);
    expect(delays.delayMs('commit')).to.equal(1_000);
  });

  it('when calls are quick, then the floor holds; as they slow, three times their 90th percentile; never past the ceiling', () => {
    const delays = new HedgeDelays();
    for (let i = 0; i < 100; i++) delays.record('endorse', 40);
    expect(delays.delayMs('endorse')).to.equal(750);
    for (let i = 0; i < 100; i++) delays.record('endorse', i < 85 ? 100 : 400);
    expect(delays.delayMs('endorse')).to.equal(1_200);
    for (let i = 0; i < 100; i++) delays.record('endorse', 5_000);
    expect(delays.delayMs('endorse')).to.equal(2_000);
  });

  it('when one kind is slow, then the others keep their own delays', () => {
    const delays = new HedgeDelays();
    for (let i = 0; i < 100; i++) delays.record('commit', 5_000);
    expect(delays.delayMs('commit')).to.equal(2_500);
    expect(delays.delayMs('evaluate')).to.equal(750);
  });
});
