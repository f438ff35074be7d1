import { expect } from 'chai';
import { decodeRefusal, RefusalCode } from '@luohu/domain';

/**
 * Awaits a transaction that must be refused, and checks that the refusal's sentence names the rule and, when given,
 * that it carries the stable code clients branch on. A failure that is not a refusal (a bug) never passes.
 */
export async function expectRejected(promise: Promise<unknown>, pattern: RegExp, code?: RefusalCode): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    const refusal = decodeRefusal((err as Error).message);
    expect(refusal, `not a refusal: ${(err as Error).message}`).to.not.equal(undefined);
    expect(refusal!.message).to.match(pattern);
    if (code) expect(refusal!.code, refusal!.message).to.equal(code);
    return err as Error;
  }
  throw new Error(`expected a refusal matching ${pattern}, but the transaction succeeded`);
}

/** Awaits a transaction the peers must invalidate (not a chaincode refusal: e.g. an endorsement policy failure). */
export async function expectNotCommitted(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(decodeRefusal((err as Error).message), 'a chaincode refusal, not a validation failure').to.equal(undefined);
    expect((err as Error).message).to.match(pattern);
    return err as Error;
  }
  throw new Error(`expected the transaction to be invalidated (${pattern}), but it was committed`);
}
