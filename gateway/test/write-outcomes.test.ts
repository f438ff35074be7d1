import crypto from 'node:crypto';
import { expect } from 'chai';
import type { IdentityService } from '../src/identity/identity-service';
import { LedgerUnavailable, OutcomeUnknown } from '../src/ledger/errors';
import type { Ledger } from '../src/ledger/ledger';
import { Admission } from '../src/operations/admission';
import { AnchoredWrites } from '../src/operations/anchored-writes';
import { operationModel } from '../src/operations/models';
import { PendingRecovery } from '../src/operations/pending-recovery';
import type { AppError } from '../src/platform/errors';
import { createLogger } from '../src/platform/logger';
import { SteeredLedger } from './support/steered-ledger';
import { anchorWrite, operationIdOf, ownDatabase, testSigners, until } from './support/writes-harness';

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err as AppError & { details?: { operationId?: string } },
  );

/**
 * Issue 14's findings on what clients are told when the ledger stops answering (the fault run): committed writes
 * reported as failed, writes stuck "in progress", transient failures replayed for their key forever. The ledger is
 * steered (the network cannot time out on cue); the operation records are in the suite's real database.
 */
describe('what a write answers when the ledger stops answering', function () {
  this.timeout(30_000);
  const logger = createLogger('silent');
  const db = ownDatabase('outcomes_test', logger);
  const writesOn = (ledger: SteeredLedger) =>
    new AnchoredWrites(db.connection, ledger as unknown as Ledger, testSigners, new Admission(8, 8), logger);

  it('when the commit status times out but the transaction committed, then the answer is 201 with its receipt, found by its ID', async () => {
    const ledger = new SteeredLedger();
    const writes = writesOn(ledger);
    const key = crypto.randomUUID();
    const answer = writes.write(anchorWrite('committed-late', key));
    await until(() => ledger.pending.length === 1);
    const { transactionId } = ledger.pending[0];
    ledger.commitOnChannel(transactionId, 98n);
    ledger.pending[0].fail(new OutcomeUnknown(transactionId, new Error('DEADLINE_EXCEEDED')));
    const outcome = await answer;
    expect(outcome.httpStatus).to.equal(201);
    expect(outcome.body.receipt).to.deep.equal({ transactionId, blockNumber: '98', validationCode: 'VALID' });
    const stored = await operationModel(db.connection).findById(operationIdOf('inspector-1', key)).lean();
    expect(stored?.status).to.equal('succeeded');
    const replay = await writes.write(anchorWrite('committed-late', key));
    expect(replay.replayed).to.equal(true);
    expect(replay.body.receipt?.blockNumber).to.equal('98');
  });

  it('when the outcome stays unknown, then the answer is 503 outcome_unknown with Retry-After, and once recovery finds the commit a retry with the key gets the receipt', async () => {
    const ledger = new SteeredLedger();
    ledger.resendCommits = false;
    const writes = writesOn(ledger);
    const key = crypto.randomUUID();
    const answer = refusalOf(writes.write(anchorWrite('unknown', key)));
    await until(() => ledger.pending.length === 1);
    const { transactionId } = ledger.pending[0];
    ledger.pending[0].fail(new OutcomeUnknown(transactionId));
    const refused = await answer;
    expect(refused.status).to.equal(503);
    expect(refused.code).to.equal('outcome_unknown');
    expect(refused.headers['Retry-After']).to.equal('2');
    expect(refused.details?.operationId).to.equal(operationIdOf('inspector-1', key));
    const Operation = operationModel(db.connection);
    expect((await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status).to.equal('pending'); // never "failed"

    // The transaction reaches a block later (the orderer came back); recovery, running as in every replica, settles it.
    const recovery = new PendingRecovery(Operation, ledger as unknown as Ledger, logger, {
      signedAfterMs: 0,
      unsignedAfterMs: 60_000,
      everyMs: 50,
      statusWaitMs: 10,
    });
    recovery.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect((await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status).to.equal('pending'); // still unknown
      ledger.commitOnChannel(transactionId, 99n);
      await until(
        async () => (await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status === 'succeeded',
        3_000,
      );
    } finally {
      await recovery.stop();
    }
    const retry = await writes.write(anchorWrite('unknown', key));
    expect(retry.httpStatus).to.equal(201);
    expect(retry.body.receipt).to.deep.equal({ transactionId, blockNumber: '99', validationCode: 'VALID' });
    expect(ledger.pending).to.have.length(1); // no second transaction
  });

  it('when a retry comes while the first request is still committing, then it waits and answers the same receipt', async () => {
    const ledger = new SteeredLedger();
    const writes = writesOn(ledger);
    const key = crypto.randomUUID();
    const first = writes.write(anchorWrite('in-flight', key));
    await until(() => ledger.pending.length === 1);
    const retry = writes.write(anchorWrite('in-flight', key));
    await new Promise((r) => setTimeout(r, 300));
    ledger.pending[0].commit();
    const [a, b] = await Promise.all([first, retry]);
    expect(b.replayed).to.equal(true);
    expect(b.body.receipt).to.deep.equal(a.body.receipt);
  });

  it('when an asynchronous write fails before it is sent, then the operation shows a retryable failure and the same key runs it again', async () => {
    let unavailable = true;
    const steered = new SteeredLedger();
    const ledger = {
      submit: async (...args: Parameters<SteeredLedger['submit']>) => {
        if (unavailable) throw new LedgerUnavailable('no combination of peers can be derived');
        return steered.submit(...args);
      },
    } as unknown as Ledger;
    const writes = new AnchoredWrites(db.connection, ledger, testSigners, new Admission(8, 8), logger);
    const key = crypto.randomUUID();
    const Operation = operationModel(db.connection);
    expect((await writes.write(anchorWrite('async', key, true))).httpStatus).to.equal(202);
    await until(async () => (await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status === 'failed');
    const failedOp = await Operation.findById(operationIdOf('inspector-1', key)).lean();
    expect(failedOp?.retryable).to.equal(true);
    expect(failedOp?.error?.code).to.equal('ledger_unavailable');

    unavailable = false;
    expect((await writes.write(anchorWrite('async', key, true))).httpStatus).to.equal(202); // taken up again, not replayed
    await until(() => steered.pending.length === 1);
    steered.pending[0].commit();
    await until(
      async () => (await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status === 'succeeded',
    );
  });

  it('when the replica that sent a write dies, then a retry at another replica gets the receipt at once, not 409 until the write has aged', async () => {
    const ledger = new SteeredLedger();
    ledger.resendCommits = false;
    const [first, second] = [writesOn(ledger), writesOn(ledger)];
    first.recovery.liveness.start();
    second.recovery.liveness.start();
    try {
      await new Promise((r) => setTimeout(r, 1_000)); // each has seen the other beat
      const key = crypto.randomUUID();
      const orphaned = first.write(anchorWrite('orphaned', key)).catch(() => undefined);
      await until(() => ledger.pending.length === 1);
      const { transactionId } = ledger.pending[0];
      ledger.commitOnChannel(transactionId, 97n); // it committed, but the replica that sent it never hears (SIGKILL)
      await first.recovery.liveness.stop();
      await new Promise((r) => setTimeout(r, 2_500)); // its beat has stood still for longer than LIVENESS.deadAfterMs

      const startedAt = Date.now();
      const retry = await second.write(anchorWrite('orphaned', key)); // no recovery loop runs: the retry itself settles it
      expect(retry.httpStatus).to.equal(201);
      expect(retry.body.receipt).to.deep.equal({ transactionId, blockNumber: '97', validationCode: 'VALID' });
      expect(Date.now() - startedAt, 'answered before the 409 a pending write gets').to.be.below(3_000);
      expect(ledger.pending).to.have.length(1); // nothing sent twice
      ledger.pending[0].fail(new OutcomeUnknown(transactionId));
      await orphaned;
    } finally {
      await second.recovery.liveness.stop();
    }
  });

  it('when recovery closes a write it took for abandoned before it was signed, then the late signer sends nothing and the key may try again', async () => {
    const ledger = new SteeredLedger();
    let release!: () => void;
    const slowSigner = {
      signer: async (id: string) => {
        await new Promise<void>((r) => (release = r));
        return testSigners.signer(id);
      },
    } as unknown as IdentityService;
    const writes = new AnchoredWrites(
      db.connection,
      ledger as unknown as Ledger,
      slowSigner,
      new Admission(8, 8),
      logger,
    );
    const key = crypto.randomUUID();
    const Operation = operationModel(db.connection);
    expect((await writes.write(anchorWrite('abandoned', key, true))).httpStatus).to.equal(202);
    const recovery = new PendingRecovery(Operation, ledger as unknown as Ledger, logger, {
      signedAfterMs: 0,
      unsignedAfterMs: 0,
      everyMs: 1_000,
      statusWaitMs: 10,
    });
    expect(await recovery.runOnce()).to.equal(1);
    const closed = await Operation.findById(operationIdOf('inspector-1', key)).lean();
    expect(closed?.status).to.equal('failed');
    expect(closed?.error?.code).to.equal('interrupted');
    release();
    await writes.drain();
    expect(ledger.pending).to.have.length(0); // its onSigned found the operation closed: not sent
    expect((await Operation.findById(operationIdOf('inspector-1', key)).lean())?.status).to.equal('failed');
  });
});
