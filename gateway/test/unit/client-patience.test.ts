import { expect } from 'chai';
import { withPatience, type ClientResponse } from '../../src/client/signing-client';

/** A script's patience (the demo district): what it sends again, and what it hands back at once. */
describe("a script's patience with 'retry later' answers (pure)", () => {
  const answer = (status: number, retryAfter?: number): ClientResponse => ({
    status,
    headers: new Headers(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    body: null,
  });
  const answers = (...list: ClientResponse[]) => {
    let sent = 0;
    return { send: async () => list[Math.min(sent++, list.length - 1)], sent: () => sent };
  };

  it('when the gateway is busy twice (503 and 409 with Retry-After), then the request is sent until its 201', async () => {
    const gateway = answers(answer(503, 0), answer(409, 0), answer(201));
    expect((await withPatience(gateway.send, 10_000)).status).to.equal(201);
    expect(gateway.sent()).to.equal(3);
  });

  it('when a 409 or a 503 has no Retry-After, or the answer is a 4xx refusal, then it is handed back at once', async () => {
    for (const refusal of [answer(409), answer(503), answer(422, 0)]) {
      const gateway = answers(refusal, answer(201));
      expect((await withPatience(gateway.send, 10_000)).status).to.equal(refusal.status);
      expect(gateway.sent()).to.equal(1);
    }
  });

  it('when Retry-After asks for longer than the patience left, then the busy answer is handed back', async () => {
    const gateway = answers(answer(503, 30), answer(201));
    expect((await withPatience(gateway.send, 1_000)).status).to.equal(503);
    expect(gateway.sent()).to.equal(1);
  });
});
