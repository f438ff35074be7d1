/**
 * The tests' HTTP client (supertest) as a key holder's device would behave: when a remembered key holder's write is
 * answered with a signature request (the 202 of "every write signed by its author"), each step is signed here with
 * the holder's key and the test sees the last answer (the receipt, the operation or the refusal), as the web app's and
 * the scripts' client library does. Tests about the signature steps themselves use `rawApi` instead.
 */
import type { Server } from 'node:http';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import { asksForSignature } from '../../src/client/signing-client';
import { signBytes, type CryptoKey } from '../../src/device-client/keys';
import type { SignatureRequest } from '../../src/operations/models';

/** Session token → the private key of the person it belongs to (made in the test; the gateway never saw it). */
const keysBySession = new Map<string, CryptoKey>();

/** Remembers that requests with this session token are signed with this key. */
export function rememberHolder(sessionToken: string, privateKey: CryptoKey): void {
  keysBySession.set(sessionToken, privateKey);
}

type Agent = ReturnType<typeof request>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;

/** supertest for `server`, signing every signature request of a remembered key holder's session. */
export function signingAgent(server: Server): Agent {
  const agent = request(server);
  const wrapped = { ...agent } as Agent;
  for (const method of METHODS) {
    wrapped[method] = ((url: string) => signsFor(server, agent[method](url))) as Agent[typeof method];
  }
  return wrapped;
}

// supertest runs `.expect(...)` and resolves `await` in Test#assert: answering there makes both see the final answer.
interface Asserting {
  assert(err: Error | null, res: Response | undefined, fn: (err: Error | null, res?: Response) => void): void;
  _header?: Record<string, string>;
}

function signsFor(server: Server, test: Test): Test {
  const asserting = test as unknown as Asserting;
  const assert = asserting.assert.bind(test);
  asserting.assert = (err, res, fn) => {
    const token = /^Bearer (.+)$/.exec(asserting._header?.authorization ?? '')?.[1];
    const key = token ? keysBySession.get(token) : undefined;
    if (err || !res || !key || !asksForSignature(res)) return assert(err, res, fn);
    completeSignatures(server, key, res).then(
      (final) => assert(null, final, fn),
      (error: Error) => fn.call(test, error, res),
    );
  };
  return test;
}

async function completeSignatures(server: Server, key: CryptoKey, first: Response): Promise<Response> {
  let res = first;
  while (asksForSignature(res)) {
    const step = res.body as SignatureRequest;
    const signature = await signBytes(key, Buffer.from(step.message, 'base64'));
    res = await request(server)
      .post(`/v1/transactions/${step.transactionId}/${step.stage}-signature`)
      .send({ signature });
  }
  return res;
}
