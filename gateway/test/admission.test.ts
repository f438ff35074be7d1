import crypto from 'node:crypto';
import { expect } from 'chai';
import type mongoose from 'mongoose';
import type { Ledger } from '../src/ledger/ledger';
import { Admission } from '../src/operations/admission';
import { AnchoredWrites, WriteRequest } from '../src/operations/anchored-writes';
import { operationModel } from '../src/operations/models';
import { connectDatabase } from '../src/platform/database';
import { LedgerUnavailable } from '../src/ledger/errors';
import { OverloadedError } from '../src/platform/errors';
import { createLogger } from '../src/platform/logger';
import { testConfig } from './support/gateway';
import { SteeredLedger } from './support/steered-ledger';
import { operationIdOf, testSigners, until } from './support/writes-harness';

/** Anchored writes on a database of their own (recover() looks at every pending operation), with a steered ledger. */
describe('admission and crash recovery of anchored writes', function () {
  this.timeout(30_000);
  const logger = createLogger('silent');
  let connection: mongoose.Connection;
  const request = (batchId: string, idempotencyKey?: string): WriteRequest => ({
    userId: 'inspector-1',
    idempotencyKey,
    fingerprint: { batchId },
    namespace: 'anchor',
    fn: 'anchorBatch',
    args: [batchId],
    async: false,
  });

  before(async () => {
    const url = new URL(testConfig().mongoUrl);
    url.pathname = `/admission_test_${crypto.randomUUID().slice(0, 8)}`;
    connection = await connectDatabase(url.toString(), logger);
  });
  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('when every slot is taken and none may wait, then a further write is refused at once with 503 and Retry-After, and records nothing', async () => {
    const ledger = new SteeredLedger();
    const admission = new Admission(1, 0);
    const writes = new AnchoredWrites(connection, ledger as unknown as Ledger, testSigners, admission, logger);
    expect(admission.full).to.equal(false);
    const first = writes.write(request('first', crypto.randomUUID()));
    await until(() => ledger.pending.length === 1);
    expect(admission.full).to.equal(true); // what the HTTP door (overloadShedder) refuses on, before parsing anything
    const key = crypto.randomUUID();
    const refused = await writes.write(request('second', key)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(OverloadedError);
    expect((refused as OverloadedError).status).to.equal(503);
    expect((refused as OverloadedError).headers['Retry-After']).to.equal('1');
    const operationId = operationIdOf('inspector-1', key);
    expect(await operationModel(connection).findById(operationId).lean()).to.equal(null);
    expect(ledger.pending).to.have.length(1); // the refused write never reached the ledger
    ledger.pending[0].commit();
    expect((await first).body.status).to.equal('succeeded');
    expect(admission.full).to.equal(false); // the slot is free again
    const third = writes.write(request('third'));
    await until(() => ledger.pending.length === 2);
    ledger.pending[1].commit();
    expect((await third).httpStatus).to.equal(201);
  });

  it('when a write waits longer than the bound, then it is refused with 503 and the one in flight is unaffected', async () => {
    const ledger = new SteeredLedger();
    const writes = new AnchoredWrites(
      connection,
      ledger as unknown as Ledger,
      testSigners,
      new Admission(1, 1, 50),
      logger,
    );
    const first = writes.write(request('slow'));
    await until(() => ledger.pending.length === 1);
    const waited = await writes.write(request('waits')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(waited).to.be.instanceOf(OverloadedError);
    ledger.pending[0].commit();
    expect((await first).httpStatus).to.equal(201);
    expect(ledger.pending).to.have.length(1);
  });

  it('when the gateway stops after a transaction was signed, then the operation is on record with it, and recovery sends it and stores the receipt', async () => {
    const crashed = new SteeredLedger();
    const before = new AnchoredWrites(
      connection,
      crashed as unknown as Ledger,
      testSigners,
      new Admission(4, 4),
      logger,
    );
    const key = crypto.randomUUID();
    void before.write(request('survives', key)).catch(() => undefined); // never answered: the process "dies" here
    await until(() => crashed.pending.length === 1);
    const Operation = operationModel(connection);
    const operationId = operationIdOf('inspector-1', key);
    const recorded = await Operation.findById(operationId).lean();
    expect(recorded?.status).to.equal('pending');
    expect(recorded?.attempts.map((a) => a.transactionId)).to.deep.equal([crashed.pending[0].transactionId]);
    const signedText = Buffer.from(recorded!.signedTransaction!, 'base64').toString();
    expect(signedText).to.equal(`signed:${crashed.pending[0].transactionId}:survives`);

    const restarted = new SteeredLedger();
    const after = new AnchoredWrites(
      connection,
      restarted as unknown as Ledger,
      testSigners,
      new Admission(4, 4),
      logger,
    );
    expect(await after.recover(0)).to.equal(1);
    expect(restarted.resent).to.deep.equal([signedText]); // the same signed transaction, not a new one
    const recovered = await Operation.findById(operationId).lean();
    expect(recovered?.status).to.equal('succeeded');
    expect(recovered?.receipt?.blockNumber).to.equal('8');
    expect(recovered?.signedTransaction).to.equal(null);
    // A retry of the same request now replays the recovered outcome instead of writing again.
    const replay = await after.write(request('survives', key));
    expect(replay.replayed).to.equal(true);
    expect(restarted.pending).to.have.length(0);
  });

  it('when the ledger is unavailable before anything is signed, then nothing is recorded, the answer says when to retry, and the same key writes on the next try', async () => {
    let unavailable = true;
    const steered = new SteeredLedger();
    const ledger = {
      submit: async (...args: Parameters<SteeredLedger['submit']>) => {
        if (unavailable) throw new LedgerUnavailable('the ledger did not answer in time (UNAVAILABLE)');
        return steered.submit(...args);
      },
    } as unknown as Ledger;
    const writes = new AnchoredWrites(connection, ledger, testSigners, new Admission(4, 4), logger);
    const key = crypto.randomUUID();
    const first = await writes.write(request('transient', key)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((first as LedgerUnavailable).status).to.equal(503);
    expect((first as LedgerUnavailable).headers['Retry-After']).to.equal('2');
    const operationId = operationIdOf('inspector-1', key);
    expect(await operationModel(connection).findById(operationId).lean()).to.equal(null);

    unavailable = false;
    const again = writes.write(request('transient', key));
    await until(() => steered.pending.length === 1);
    steered.pending[0].commit();
    const answer = await again;
    expect(answer.httpStatus).to.equal(201);
    expect(answer.replayed).to.equal(false);
  });
});
