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
      expect(e.headers['Retry-After']).to.equal('1');
    }
  });

  it('when the driver writes to a connection the database has just closed (EPIPE from the mongodb driver), then 503 database_unavailable; an EPIPE elsewhere stays a 500', () => {
    const fromDriver = Object.assign(new Error('This socket has been ended by the other party'), {
      code: 'EPIPE',
      stack:
        'Error: This socket has been ended by the other party\n    at Socket.writeAfterFIN [as write] (node:net:857:14)\n' +
        '    at Connection.writeCommand (/work/main/node_modules/mongodb/src/cmap/connection.ts:722:23)',
    });
    const e = toAppError(fromDriver);
    expect(e.status).to.equal(503);
    expect(e.code).to.equal('database_unavailable');
    expect(e.headers['Retry-After']).to.equal('1');
    const elsewhere = Object.assign(new Error('This socket has been ended by the other party'), {
      code: 'EPIPE',
      stack: 'Error: This socket has been ended by the other party\n    at Socket.writeAfterFIN (node:net:857:14)',
    });
    expect(toAppError(elsewhere).status).to.equal(500);
  });

  it('when FerretDB answers that its PostgreSQL is down or restarting, then the answer is 503 database_unavailable too', () => {
    // As FerretDB 1.24 words them (seen in the soak while PostgreSQL was killed and restarted).
    const messages = [
      '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=luohu database=luohu`:\n\t127.0.0.1:19052 (127.0.0.1): dial error: dial tcp 127.0.0.1:19052: connect: connection refused',
      '[query_iterator.go:120 postgresql.(*queryIterator).Next] FATAL: terminating connection due to unexpected postmaster exit (SQLSTATE 57P02)',
      '[collection.go:109 postgresql.(*collection).Query] FATAL: the database system is starting up (SQLSTATE 57P03)',
    ];
    for (const message of messages) {
      const err = Object.assign(new Error(message), { name: 'MongoServerError', code: 1, codeName: 'InternalError' });
      const e = toAppError(err);
      expect(e.code, message).to.equal('database_unavailable');
      expect(e.headers['Retry-After']).to.equal('1');
    }
    const duplicate = Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 });
    expect(toAppError(duplicate).status, 'any other server error stays a 500').to.equal(500);
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
