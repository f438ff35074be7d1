import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Ledger } from '../src/ledger/ledger';
import { Admission } from '../src/operations/admission';
import { AnchoredWrites } from '../src/operations/anchored-writes';
import { operationModel } from '../src/operations/models';
import { LedgerUnavailable } from '../src/ledger/errors';
import { OverloadedError } from '../src/platform/errors';
import { createLogger } from '../src/platform/logger';
import { SteeredLedger } from './support/steered-ledger';
import { anchorWrite, operationIdOf, ownDatabase, testSigners, until } from './support/writes-harness';

/** Anchored writes on a database of their own (recover() looks at every pending operation), with a steered ledger. */
describe('admission and crash recovery of anchored writes', function () {
  this.timeout(30_000);
  const logger = createLogger('silent');
  const db = ownDatabase('admission_test', logger);
  const writesOn = (ledger: SteeredLedger, admission = new Admission(4, 4)) =>
    new AnchoredWrites(db.connection, ledger as unknown as Ledger, testSigners, admission, logger);

  it('when every slot is taken and none may wait, then a further write is refused at once with 503 and Retry-After, and records nothing', async () => {
    const ledger = new SteeredLedger();
    const admission = new Admission(1, 0);
    const writes = writesOn(ledger, admission);
    expect(admission.full).to.equal(false);
    const first = writes.write(anchorWrite('first', crypto.randomUUID()));
    await until(() => ledger.pending.length === 1);
    expect(admission.full).to.equal(true); // what the HTTP door (overloadShedder) refuses on, before parsing anything
    const key = crypto.randomUUID();
    const refused = await writes.write(anchorWrite('second', key)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(OverloadedError);
    expect((refused as OverloadedError).status).to.equal(503);
    expect((refused as OverloadedError).headers['Retry-After']).to.equal('1');
    const operationId = operationIdOf('inspector-1', key);
    expect(await operationModel(db.connection).findById(operationId).lean()).to.equal(null);
    expect(ledger.pending).to.have.length(1); // the refused write never reached the ledger
    ledger.pending[0].commit();
    expect((await first).body.status).to.equal('succeeded');
    expect(admission.full).to.equal(false); // the slot is free again
    const third = writes.write(anchorWrite('third'));
    await until(() => ledger.pending.length === 2);
    ledger.pending[1].commit();
    expect((await third).httpStatus).to.equal(201);
  });

  it('when a write waits longer than the bound, then it is refused with 503 and the one in flight is unaffected', async () => {
    const ledger = new SteeredLedger();
    const writes = writesOn(ledger, new Admission(1, 1, 50));
    const first = writes.write(anchorWrite('slow'));
    await until(() => ledger.pending.length === 1);
    const waited = await writes.write(anchorWrite('waits')).then(
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
    const before = writesOn(crashed);
    const key = crypto.randomUUID();
    void before.write(anchorWrite('survives', key)).catch(() => undefined); // never answered: the process "dies" here
    await until(() => crashed.pending.length === 1);
    const Operation = operationModel(db.connection);
    const operationId = operationIdOf('inspector-1', key);
    const recorded = await Operation.findById(operationId).lean();
    expect(recorded?.status).to.equal('pending');
    expect(recorded?.attempts.map((a) => a.transactionId)).to.deep.equal([crashed.pending[0].transactionId]);
    const signedText = Buffer.from(recorded!.signedTransaction!, 'base64').toString();
    expect(signedText).to.equal(`signed:${crashed.pending[0].transactionId}:survives`);

    const restarted = new SteeredLedger();
    const after = writesOn(restarted);
    expect(await after.recover(0)).to.equal(1);
    expect(restarted.resent).to.deep.equal([signedText]); // the same signed transaction, not a new one
    const recovered = await Operation.findById(operationId).lean();
    expect(recovered?.status).to.equal('succeeded');
    expect(recovered?.receipt?.blockNumber).to.equal('8');
    expect(recovered?.signedTransaction).to.equal(null);
    // A retry of the same request now replays the recovered outcome instead of writing again.
    const replay = await after.write(anchorWrite('survives', key));
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
    const writes = new AnchoredWrites(db.connection, ledger, testSigners, new Admission(4, 4), logger);
    const key = crypto.randomUUID();
    const first = await writes.write(anchorWrite('transient', key)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((first as LedgerUnavailable).status).to.equal(503);
    expect((first as LedgerUnavailable).headers['Retry-After']).to.equal('2');
    const operationId = operationIdOf('inspector-1', key);
    expect(await operationModel(db.connection).findById(operationId).lean()).to.equal(null);

    unavailable = false;
    const again = writes.write(anchorWrite('transient', key));
    await until(() => steered.pending.length === 1);
    steered.pending[0].commit();
    const answer = await again;
    expect(answer.httpStatus).to.equal(201);
    expect(answer.replayed).to.equal(false);
  });
});
