import { expect } from 'chai';

/** Awaits a transaction that must be refused, and checks that the error names the rule. */
export async function expectRejected(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
    try {
        await promise;
    } catch (err) {
        expect((err as Error).message).to.match(pattern);
        return err as Error;
    }
    throw new Error(`expected a refusal matching ${pattern}, but the transaction succeeded`);
}
