import { expect } from 'chai';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { EventBatches } from '../../src/projection/event-batches';
import { newestWrites } from '../../src/projection/record-writes';
import type { LedgerEvent } from '../../src/projection/events';

const payload = (id: string, status = 'pre_review') =>
  new TextEncoder().encode(
    JSON.stringify({ type: 'project', ids: { projectId: id }, state: { docType: 'project', id, status } }),
  );
const raw = (block: number, tx: string, id = tx): ChaincodeEvent =>
  ({
    blockNumber: BigInt(block),
    transactionId: tx,
    chaincodeName: 'luohu',
    eventName: 'e',
    payload: payload(id),
  }) as ChaincodeEvent;

/**
 * A stream as the client library gives it: each block's events come at once (one message), yielded without waiting;
 * the next block only when the test sends it. `end()` closes the stream.
 */
function stream() {
  const ready: ChaincodeEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const iterator: AsyncIterator<ChaincodeEvent> = {
    async next() {
      while (!ready.length && !ended) await new Promise<void>((r) => (wake = r));
      return ready.length ? { done: false, value: ready.shift()! } : { done: true, value: undefined };
    },
  };
  return {
    iterator,
    send: (...events: ChaincodeEvent[]) => {
      ready.push(...events);
      wake?.();
    },
    end: () => {
      ended = true;
      wake?.();
    },
  };
}

const txs = (events: { transactionId: string }[] | undefined) => events?.map((e) => e.transactionId);

describe('event batches (no network)', () => {
  it('when a block arrives, then its events come as one batch, numbered within the block, and the block is complete', async () => {
    const s = stream();
    const batches = new EventBatches(s.iterator, undefined, 256);
    s.send(raw(7, 'a'), raw(7, 'b'), raw(7, 'c'));
    const batch = await batches.next();
    expect(txs(batch?.events)).to.deep.equal(['a', 'b', 'c']);
    expect(batch?.events.map((e) => e.position)).to.deep.equal([700_000, 700_001, 700_002]);
    expect(batch?.blockComplete).to.equal(true);
  });

  it('when several blocks wait (a projector behind), then one batch takes them all, up to the cap; a batch cut mid-block says so', async () => {
    const s = stream();
    const batches = new EventBatches(s.iterator, undefined, 4);
    s.send(raw(1, 'a'), raw(1, 'b'), raw(2, 'c'), raw(2, 'd'), raw(2, 'e'), raw(3, 'f'));
    const first = await batches.next();
    expect(txs(first?.events)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(first?.blockComplete, 'block 2 goes on in the next batch').to.equal(false);
    const second = await batches.next();
    expect(txs(second?.events)).to.deep.equal(['e', 'f']);
    expect(second?.blockComplete).to.equal(true);
    expect(second?.events.map((e) => e.position)).to.deep.equal([200_002, 300_000]);
  });

  it('when the stream resumes mid-block after the checkpoint, then numbering goes on from the checkpointed index', async () => {
    const s = stream();
    const batches = new EventBatches(s.iterator, { blockNumber: 5, index: 1 }, 256);
    s.send(raw(5, 'c'), raw(6, 'd'));
    expect((await batches.next())?.events.map((e) => e.position)).to.deep.equal([500_002, 600_000]);
  });

  it('when the stream is closed, then what was read is handed out (its block not called complete), then nothing', async () => {
    const s = stream();
    const batches = new EventBatches(s.iterator, undefined, 256);
    s.send(raw(9, 'a'));
    s.end();
    const last = await batches.next();
    expect(txs(last?.events)).to.deep.equal(['a']);
    expect(last?.blockComplete).to.equal(false);
    expect(await batches.next()).to.equal(undefined);
  });
});

describe('the writes of a batch (no network)', () => {
  const event = (position: number, state: Record<string, unknown>, related?: Record<string, unknown>) =>
    ({ position, blockNumber: 0, transactionId: `tx${position}`, type: 't', ids: {}, state, related }) as LedgerEvent;
  const keyOf = (r: Record<string, unknown>) =>
    typeof r.docType === 'string' ? { type: r.docType, id: String(r.id) } : undefined;

  it('when several events carry one record, then it is written once, as the last of them left it', () => {
    const { writes, carried } = newestWrites(
      [
        event(1, { docType: 'project', id: 'P', status: 'pre_review' }),
        event(2, { docType: 'contract', id: 'H', sum: 1 }, { p: { docType: 'project', id: 'P', status: 'approved' } }),
        event(3, { docType: 'project', id: 'P', status: 'correction' }),
        event(4, { note: 'no docType: not a record' }),
      ],
      keyOf,
    );
    expect(writes.map((w) => [w.type, w.id, w.event.position, w.record.status])).to.deep.equal([
      ['project', 'P', 3, 'correction'],
      ['contract', 'H', 2, undefined],
    ]);
    expect(writes[0].sameTransaction).to.deep.equal([{ docType: 'project', id: 'P', status: 'correction' }]);
    expect(carried.map((c) => `${c.type}@${c.event.position}`)).to.deep.equal([
      'project@1',
      'contract@2',
      'project@2',
      'project@3',
    ]);
  });
});
