import { expect } from 'chai';
import { toAppError } from '../../src/error-handler';
import { ChaincodeFailure, LedgerError, LedgerUnavailable, OutcomeUnknown } from '../../src/ledger/errors';

/** Issue 14: every 503 and retryable 502 a client can get tells it when to come back. */
describe('the error table: Retry-After on what a client should retry', () => {
  it('when the database connection is lost, then the answer is 503 database_unavailable with Retry-After, not a bare 500', () => {
    for (const name of ['MongoNetworkError', 'MongoServerSelectionError', 'MongoNotConnectedError']) {
      const err = Object.assign(new Error('connection closed'), { name });
      const e = toAppError(err);
      expect(e.status, name).to.equal(503);
      expect(e.code).to.equal('database_unavailable');
      expect(e.headers['Retry-After']).to.equal('2');
    }
  });

  it('when the ledger is unavailable, the chaincode failed, or a sent outcome is unknown, then each carries Retry-After', () => {
    const errors: LedgerError[] = [
      new LedgerUnavailable('no peers'),
      new ChaincodeFailure('connection refused'),
      new OutcomeUnknown('tx1', undefined, 'op1'),
    ];
    for (const e of errors) expect(toAppError(e).headers['Retry-After'], e.code).to.equal('2');
    expect(new OutcomeUnknown('tx1', undefined, 'op1').details).to.deep.equal({ operationId: 'op1' });
  });

  it('when an error is unknown, then it stays a 500 without Retry-After (a bug, not a condition to wait out)', () => {
    const e = toAppError(new Error('boom'));
    expect(e.status).to.equal(500);
    expect(e.headers['Retry-After']).to.equal(undefined);
  });
});
