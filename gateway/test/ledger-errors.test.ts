import { expect } from 'chai';
import { encodeRefusal, REFUSAL_CODES } from '@luohu/domain';
import { ChaincodeFailure, fromGatewayError, LedgerRefusal, REFUSAL_STATUS } from '../src/ledger/errors';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { Metadata, status } from '@grpc/grpc-js';

/** A GatewayError as fabric-gateway raises it when the chaincode returned an error: the message in each endorser's detail. */
const endorsementFailure = (message: string) =>
  new GatewayError({
    code: status.ABORTED,
    message: 'failed to endorse transaction, see attached details for more info',
    details: [{ address: 'peer0.housing', mspId: 'HousingMSP', message: `chaincode response 500, ${message}` }],
    cause: Object.assign(new Error('ABORTED'), { code: status.ABORTED, details: '', metadata: new Metadata() }),
  });

describe('the one table from chaincode refusal codes to HTTP', () => {
  it('when a refusal code exists in the domain, then the table gives it a 4xx status, and nothing else is in the table', () => {
    for (const code of REFUSAL_CODES) expect(REFUSAL_STATUS[code], code).to.be.within(400, 499);
    expect(Object.keys(REFUSAL_STATUS).sort()).to.deep.equal([...REFUSAL_CODES].sort());
    expect(REFUSAL_STATUS).to.include({
      invalid_request: 400,
      forbidden: 403,
      not_found: 404,
      already_exists: 409,
      illegal_transition: 409,
      rule_broken: 422,
    });
  });

  it('when the chaincode refuses, then the answer carries its code, sentence and subject, whatever the sentence says', () => {
    const err = fromGatewayError(
      endorsementFailure(
        encodeRefusal({
          code: 'not_found',
          message: 'it says "already" but is missing',
          subject: { kind: 'project', id: 'P-1' },
        }),
      ),
    );
    expect(err).to.be.instanceOf(LedgerRefusal);
    expect(err).to.include({ status: 404, code: 'not_found', message: 'it says "already" but is missing' });
    expect(err.details).to.deep.equal({ subject: { kind: 'project', id: 'P-1' } });
  });

  it("when the chaincode fails without a refusal (a shim or programming error), then it is a 502 chaincode_error, not the caller's fault", () => {
    const err = fromGatewayError(endorsementFailure("You've asked to invoke a function that does not exist: nope"));
    expect(err).to.be.instanceOf(ChaincodeFailure);
    expect(err).to.include({ status: 502, code: 'chaincode_error' });
  });
});
