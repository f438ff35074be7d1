import { expect } from 'chai';
import {
  api,
  bearer,
  gatewayUnderTest,
  newUser,
  startGateway,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';
import { roadApplication } from './support/fixtures';

describe('anchored writes', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let contractor: TestUser;
  let clerk: TestUser;
  before(async () => {
    g = await gatewayUnderTest();
    contractor = await newUser(g, 'contractor');
    clerk = await newUser(g, 'clerk');
  });

  it('when a change is made, then the answer carries a VALID receipt with transaction ID and block number', async () => {
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .send(roadApplication(uniqueId('P'), contractor))
      .expect(201);
    expect(res.body.status).to.equal('succeeded');
    expect(res.body.receipt.validationCode).to.equal('VALID');
    expect(res.body.receipt.transactionId).to.match(/^[0-9a-f]{64}$/);
    expect(Number(res.body.receipt.blockNumber)).to.be.greaterThan(0);
  });

  it('when the same Idempotency-Key is retried concurrently, then exactly one transaction is made and every answer is it or a 409', async () => {
    const body = roadApplication(uniqueId('P'), contractor);
    const key = uniqueId('key');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(g).post('/v1/projects').set(bearer(contractor)).set('Idempotency-Key', key).send(body),
      ),
    );
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length + answers.filter((a) => a.status === 409).length).to.equal(8);
    expect(ok.length).to.be.at.least(1);
    expect(new Set(ok.map((a) => a.body.receipt.transactionId)).size).to.equal(1);
    const again = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body.receipt.transactionId).to.equal(ok[0].body.receipt.transactionId);
  });

  it('when an Idempotency-Key is reused with a different body, then it answers 422 and writes nothing', async () => {
    const key = uniqueId('key');
    await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .set('Idempotency-Key', key)
      .send(roadApplication(uniqueId('P'), contractor))
      .expect(201);
    const other = roadApplication(uniqueId('P'), contractor);
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .set('Idempotency-Key', key)
      .send(other)
      .expect(422);
    expect(res.body.error.code).to.equal('idempotency_key_reused');
    await api(g).get(`/v1/projects/${other.id}?source=ledger`).set(bearer(clerk)).expect(404);
  });

  it('when a client prefers an asynchronous answer, then it gets 202 and the operation, which ends with the receipt', async () => {
    const body = roadApplication(uniqueId('P'), contractor);
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .set('Prefer', 'respond-async')
      .send(body)
      .expect(202);
    expect(res.headers.location).to.equal(`/v1/operations/${res.body.operationId}`);
    let op;
    for (let i = 0; i < 60; i++) {
      op = (await api(g).get(res.headers.location).set(bearer(contractor)).expect(200)).body;
      if (op.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(op.status).to.equal('succeeded');
    expect(op.receipt.validationCode).to.equal('VALID');
    expect(op.attempts).to.have.length.at.least(1);
    expect(op.attempts[0].transactionId).to.equal(op.receipt.transactionId);
    await api(g).get(res.headers.location).set(bearer(clerk)).expect(404); // operations are private to their user
  });

  it('when the chaincode refuses (illegal transition, missing record), then the answer is a 4xx naming the rule, with the transaction ID', async () => {
    const missing = await api(g)
      .post(`/v1/projects/${uniqueId('P')}/pre-review`)
      .set(bearer(clerk))
      .send()
      .expect(404);
    expect(missing.body.error.message).to.match(/does not exist/);
    const body = roadApplication(uniqueId('P'), contractor);
    await api(g).post('/v1/projects').set(bearer(contractor)).send(body).expect(201);
    const director = await newUser(g, 'director');
    const res = await api(g)
      .post(`/v1/projects/${body.id}/decision`)
      .set(bearer(director))
      .send({ decision: 'approve', reason: '同意' })
      .expect(409);
    expect(res.body.error.message).to.match(/cannot approve while pre_review/);
    expect(res.body.error.transactionId).to.match(/^[0-9a-f]{64}$/);
  });

  it('when the ledger is at capacity, then further writes are refused at once with 503 and Retry-After, not queued', async () => {
    const small = await startGateway({ SUBMIT_CONCURRENCY: '1', SUBMIT_QUEUE: '1', PROJECTOR: 'off' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          api(small)
            .post('/v1/projects')
            .set(bearer(contractor))
            .send(roadApplication(uniqueId('P'), contractor)),
        ),
      );
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).to.be.at.least(1);
      expect(refused[0].headers['retry-after']).to.equal('1');
      expect(answers.filter((a) => a.status === 201).length).to.be.at.least(2);
      expect(answers.every((a) => a.status === 201 || a.status === 503)).to.equal(true);
    } finally {
      await small.stop();
    }
  });
});
