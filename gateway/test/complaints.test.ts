import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { api, bearer, eventually, gatewayUnderTest, newUser, TestGateway, TestUser } from './support/gateway';
import { complaintsReplica } from './complaints-harness';

/** Each test comes from its own client address (the gateway trusts X-Forwarded-For from loopback), so rate limits never carry over between runs. */
const fromNewIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;
// Handling units are departments of the Housing bureau (chaincode/src/shared/departments.ts): admins register no others.
const UNIT = 'labour';
const OTHER_UNIT = 'quality_station';

const PHONE = '13800138000';
const EMAIL = 'zhang.san@example.com';
const NAME = '张三丰';

describe('complaints: Open311 requests, dispatch, answers, rating', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let dispatcher: TestUser;
  let director: TestUser;
  let auditor: TestUser;
  let unit: string;
  let unitClerk: TestUser;
  let otherUnitClerk: TestUser;

  before(async () => {
    g = await gatewayUnderTest();
    unit = UNIT;
    [dispatcher, director, auditor, unitClerk, otherUnitClerk] = await Promise.all([
      newUser(g, 'clerk', { dept: 'housing' }),
      newUser(g, 'director', { dept: 'housing' }),
      newUser(g, 'auditor'),
      newUser(g, 'clerk', { dept: unit }),
      newUser(g, 'clerk', { dept: OTHER_UNIT }),
    ]);
  });

  const submit = (body: Record<string, unknown>, ip = fromNewIp()) =>
    api(g).post('/v1/open311/requests').set('X-Forwarded-For', ip).send(body);
  const projected = (id: string, ok: (c: Record<string, unknown>) => boolean = () => true) =>
    eventually(
      `complaint ${id} in the read model`,
      async () => (await api(g).get(`/v1/complaints/${id}`).set(bearer(dispatcher))).body,
      (b) => b.id === id && ok(b),
    );

  it('when a citizen submits anonymously with contact details, then it is classified, anchored with a receipt, and the contact never reaches the ledger or the public', async () => {
    const res = await submit({
      description: '工地晚上十一点还在打桩施工，噪音很大，严重扰民',
      address_string: '罗湖区东门街道解放路123号',
      lat: 22.5481,
      long: 114.1234,
      first_name: NAME,
      phone: PHONE,
      email: EMAIL,
    }).expect(201);
    const [request] = res.body;
    expect(request.service_code).to.equal('noise');
    expect(request.receipt.validationCode).to.equal('VALID');
    expect(request.receipt_token).to.match(/^[A-Za-z0-9_-]{40,}$/);
    expect(request.address).to.equal('罗湖区 东门街道');
    for (const secret of [PHONE, EMAIL, NAME]) expect(JSON.stringify(res.body)).to.not.include(secret);

    // The ledger record, read from the ledger by an auditor: hash, category, coarse place — nothing personal.
    const fromLedger = (
      await api(g).get(`/v1/complaints/${request.service_request_id}?source=ledger`).set(bearer(auditor)).expect(200)
    ).body;
    const { content, contact, classification, answer, ratingComment, ...onLedger } = fromLedger;
    void classification;
    void answer;
    void ratingComment;
    expect(onLedger).to.include({
      id: request.service_request_id,
      category: 'noise',
      location: '罗湖区 东门街道',
      status: 'received',
    });
    expect(onLedger.contentHash).to.match(/^[0-9a-f]{64}$/);
    // The house number as written ('123号'): a bare '123' turns up in random hashes now and then.
    for (const secret of [PHONE, EMAIL, NAME, '解放路', '123号', '打桩'])
      expect(JSON.stringify(onLedger)).to.not.include(secret);
    expect(content.description).to.include('打桩'); // staff read the text off-chain
    expect(contact).to.equal(undefined); // auditors do not get contact details
    const asClerk = (
      await api(g).get(`/v1/complaints/${request.service_request_id}`).set(bearer(dispatcher)).expect(200)
    ).body;
    expect(asClerk.contact).to.include({ phone: PHONE, email: EMAIL });

    // The salted hash verifies against the off-chain text.
    const check = (
      await api(g).get(`/v1/complaints/${request.service_request_id}/verification`).set(bearer(auditor)).expect(200)
    ).body;
    expect(check.content.matches).to.equal(true);

    // Other citizens: the public list and the detail without the token show no text, contact or exact address.
    await projected(request.service_request_id);
    const list = (await api(g).get(`/v1/open311/requests?service_request_id=${request.service_request_id}`).expect(200))
      .body;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({
      service_request_id: request.service_request_id,
      status: 'open',
      service_code: 'noise',
      address: '罗湖区 东门街道',
    });
    const detail = (await api(g).get(`/v1/open311/requests/${request.service_request_id}`).expect(200)).body;
    for (const view of [list, detail])
      for (const secret of [PHONE, EMAIL, NAME, '解放路', '打桩']) expect(JSON.stringify(view)).to.not.include(secret);
    // The citizen's own view with the token shows their text but still no contact details.
    const own = (
      await api(g)
        .get(`/v1/open311/requests/${request.service_request_id}`)
        .set('X-Receipt-Token', request.receipt_token)
        .expect(200)
    ).body[0];
    expect(own.description).to.include('打桩');
    for (const secret of [PHONE, EMAIL, NAME]) expect(JSON.stringify(own)).to.not.include(secret);
  });

  it('when a complaint is dispatched, started, answered, closed, rated and reopened, then each step is on the ledger and the citizen sees the answer', async () => {
    const [request] = (
      await submit({
        description: '脚手架没有防护网，存在安全隐患，随时可能坠落',
        address_string: '罗湖区黄贝街道文锦中路',
      }).expect(201)
    ).body;
    expect(request.service_code).to.equal('safety');
    const id = request.service_request_id;
    const token = request.receipt_token;

    const dispatched = (
      await api(g)
        .post(`/v1/complaints/${id}/dispatch`)
        .set(bearer(director))
        .send({ unit, workingDays: 2 })
        .expect(201)
    ).body;
    expect(dispatched.result).to.include({ status: 'dispatched', assignedUnit: unit });
    expect(dispatched.result.deadline > new Date().toISOString().slice(0, 10)).to.equal(true);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(unitClerk)).expect(201);
    const answerText = '经现场核查，已责令施工单位当日补装防护网，并加强安全巡查。';
    const answered = (
      await api(g).post(`/v1/complaints/${id}/answer`).set(bearer(unitClerk)).send({ answer: answerText }).expect(201)
    ).body;
    expect(answered.result.status).to.equal('answered');
    expect(answered.result.answerHash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(answered.result)).to.not.include('防护网');

    const seen = await eventually(
      'the citizen sees the answer',
      async () => (await api(g).get(`/v1/open311/requests/${id}`).set('X-Receipt-Token', token)).body[0],
      (v) => v?.detailed_status === 'answered',
    );
    expect(seen.status_notes).to.equal(answerText);
    expect(
      (await api(g).get(`/v1/complaints/${id}/verification`).set(bearer(dispatcher)).expect(200)).body.answer.matches,
    ).to.equal(true);

    await api(g).post(`/v1/complaints/${id}/close`).set(bearer(unitClerk)).expect(201);
    const rated = (
      await api(g)
        .post(`/v1/open311/requests/${id}/rating`)
        .set('X-Forwarded-For', fromNewIp())
        .set('X-Receipt-Token', token)
        .send({ score: 4, comment: '处理及时' })
        .expect(201)
    ).body;
    expect(rated.result.rating.score).to.equal(4);
    expect(rated.receipt.validationCode).to.equal('VALID');
    await api(g).post(`/v1/open311/requests/${id}/rating`).set('X-Receipt-Token', token).send({ score: 5 }).expect(409);

    const reopened = (
      await api(g)
        .post(`/v1/complaints/${id}/reopen`)
        .set(bearer(unitClerk))
        .send({ reason: '市民反映防护网仍未补装' })
        .expect(201)
    ).body;
    expect(reopened.result.status).to.equal('reopened');
    expect(reopened.result.history.map((h: { step: string }) => h.step)).to.deep.equal([
      'receive',
      'dispatch',
      'start',
      'answer',
      'close',
      'reopen',
    ]);
  });

  it('when an answer is retried with the same Idempotency-Key, then the first receipt comes back and the answer is kept off-chain once', async () => {
    const [r] = (
      await submit({ description: '夜间施工噪音扰民，影响休息', address_string: '罗湖区东门街道' }).expect(201)
    ).body;
    const id = r.service_request_id;
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(dispatcher)).send({ unit }).expect(201);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(unitClerk)).expect(201);
    const answer = () =>
      api(g)
        .post(`/v1/complaints/${id}/answer`)
        .set(bearer(unitClerk))
        .set('Idempotency-Key', `answer-${id}`)
        .send({ answer: '已责令夜间停工，违者依法处罚。' });
    const first = (await answer().expect(201)).body;
    const again = await answer().expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body.receipt).to.deep.equal(first.receipt);
    const kept = await g.connection
      .collection<{ _id: string; answers: unknown[] }>('complaint_private')
      .findOne({ _id: id });
    expect(kept?.answers).to.have.length(1);
  });

  it('when staff list complaints, then the read model filters by status, unit and words of the text', async () => {
    const [a] = (
      await submit({ description: '施工围挡占道，人行道被占用，交通拥堵', address_string: '罗湖区桂园街道' }).expect(
        201,
      )
    ).body;
    const [b] = (
      await submit({ description: '工地扬尘严重，裸土没有覆盖', address_string: '罗湖区桂园街道' }).expect(201)
    ).body;
    for (const r of [a, b])
      await api(g)
        .post(`/v1/complaints/${r.service_request_id}/dispatch`)
        .set(bearer(dispatcher))
        .send({ unit })
        .expect(201);
    const ids = async (query: string): Promise<string[]> =>
      (await api(g).get(`/v1/complaints?${query}`).set(bearer(director)).expect(200)).body.items.map(
        (i: { id: string }) => i.id,
      );
    await eventually(
      'both dispatched in the read model',
      () => ids(`unit=${unit}&status=dispatched`),
      (l) => l.includes(a.service_request_id) && l.includes(b.service_request_id),
    );
    const byWords = await ids(`unit=${unit}&q=${encodeURIComponent('人行道 拥堵')}`);
    expect(byWords).to.include(a.service_request_id).and.not.include(b.service_request_id);
    expect(await ids(`unit=${unit}&status=closed`)).to.not.include(a.service_request_id);
    const dust = (
      await api(g)
        .get(`/v1/complaints?unit=${unit}&q=${encodeURIComponent('扬尘')}`)
        .set(bearer(director))
        .expect(200)
    ).body.items;
    // The unit is shared with earlier runs on a kept network: this run's two complaints, told apart by the words.
    expect(dust.map((i: { id: string }) => i.id))
      .to.include(b.service_request_id)
      .and.not.include(a.service_request_id);
    expect(dust.every((i: { description: string }) => i.description.includes('扬尘'))).to.equal(true);
    await api(g).get('/v1/complaints?status=nonsense').set(bearer(director)).expect(400);
    await api(g).get('/v1/complaints').set(bearer(unitClerk)).expect(200);
    await api(g).get('/v1/complaints').expect(401);
  });

  it('when a clerk of another unit starts or answers a complaint, then it is refused and nothing changes', async () => {
    const [r] = (
      await submit({ description: '新房墙体开裂漏水，质量有问题', address_string: '罗湖区笋岗街道' }).expect(201)
    ).body;
    const id = r.service_request_id;
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(dispatcher)).send({ unit }).expect(201);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(otherUnitClerk)).expect(403);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(unitClerk)).expect(201);
    await api(g)
      .post(`/v1/complaints/${id}/answer`)
      .set(bearer(otherUnitClerk))
      .send({ answer: '不是我们单位的答复' })
      .expect(403);
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(auditor)).send({ unit }).expect(403);
    const onLedger = (await api(g).get(`/v1/complaints/${id}?source=ledger`).set(bearer(auditor)).expect(200)).body;
    expect(onLedger).to.include({ status: 'in_progress', answerHash: null });
    expect(
      (await api(g).get(`/v1/complaints/${id}/verification`).set(bearer(auditor)).expect(200)).body.answer,
    ).to.equal(null);
  });

  it("when someone rates without the citizen token or with another request's token, then it is refused and no rating is recorded", async () => {
    const [mine] = (
      await submit({ description: '包工头拖欠农民工工资三个月', address_string: '罗湖区南湖街道' }).expect(201)
    ).body;
    const [other] = (
      await submit({ description: '凌晨两点电钻声音吵得没法睡觉', address_string: '罗湖区南湖街道' }).expect(201)
    ).body;
    const id = mine.service_request_id;
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(dispatcher)).send({ unit }).expect(201);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(unitClerk)).expect(201);
    await api(g)
      .post(`/v1/complaints/${id}/answer`)
      .set(bearer(unitClerk))
      .send({ answer: '已督促总包单位三日内足额支付。' })
      .expect(201);
    await api(g).post(`/v1/open311/requests/${id}/rating`).send({ score: 1 }).expect(401);
    await api(g)
      .post(`/v1/open311/requests/${id}/rating`)
      .set('X-Receipt-Token', other.receipt_token)
      .send({ score: 1 })
      .expect(403);
    await api(g).get(`/v1/open311/requests/${id}`).set('X-Receipt-Token', other.receipt_token).expect(403);
    expect(
      (await api(g).get(`/v1/complaints/${id}?source=ledger`).set(bearer(auditor)).expect(200)).body.rating,
    ).to.equal(null);
    // A signed-in staff member is no citizen either: staff cannot rate through the citizen route without the token.
    await api(g).post(`/v1/open311/requests/${id}/rating`).set(bearer(dispatcher)).send({ score: 5 }).expect(401);
  });

  it('when Open311 input is malformed, then it answers 400 and stores nothing', async () => {
    const h = await complaintsReplica();
    try {
      const before = await h.store.Private.countDocuments({});
      const ip = fromNewIp();
      const bad: Array<Record<string, unknown>> = [
        {},
        { description: '噪音扰民' + 'x', lat: 22.5 },
        { description: '工地噪音很大很吵', service_code: 'graffiti', address_string: '罗湖区' },
        { description: '工地噪音很大很吵', address_string: '罗湖区', email: 'not-an-email' },
        { description: '工地噪音很大很吵', lat: 222, long: 114 },
        { description: '工地噪音很大很吵', address_string: '罗湖区', api_key: 'x' },
        { description: 42, address_string: '罗湖区' },
        { description: '工地噪音很大很吵', lat: '22.5; drop', long: '114' },
      ];
      for (const body of bad) {
        const res = await submit(body, ip).set('Idempotency-Key', crypto.randomUUID()).expect(400);
        expect(res.body.error.code).to.equal('invalid_request');
      }
      expect(await h.store.Private.countDocuments({})).to.equal(before);
      await api(g)
        .post('/v1/open311/requests/C-0000000000000000/rating')
        .set('X-Receipt-Token', 'a'.repeat(43))
        .send({ score: 6 })
        .expect(400);
    } finally {
      await h.close();
    }
  });

  it('when one address submits more than the limit, then it gets 429 with Retry-After and nothing more is stored', async () => {
    const h = await complaintsReplica({ rateLimit: { windowMs: 60 * 60_000, max: 2 } });
    try {
      const ip = fromNewIp();
      const post = () =>
        request(h.app)
          .post('/v1/open311/requests')
          .set('X-Forwarded-For', ip)
          .send({ description: '工地扬尘严重，没有洒水', address_string: '罗湖区清水河街道' });
      await post().expect(201);
      await post().expect(201);
      const before = await h.store.Private.countDocuments({});
      const refused = await post().expect(429);
      expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
      expect(await h.store.Private.countDocuments({})).to.equal(before);
      await request(h.app)
        .post('/v1/open311/requests')
        .set('X-Forwarded-For', fromNewIp())
        .send({ description: '工地扬尘严重，没有洒水', address_string: '罗湖区清水河街道' })
        .expect(201);
    } finally {
      await h.close();
    }
  });

  it('when a citizen retries a submission with its Idempotency-Key, then the retries are not counted against the address; a new one over the limit is', async () => {
    // Found by the soak: a citizen retrying as the README says (same key, after a 503) was locked out with 429.
    const h = await complaintsReplica({ rateLimit: { windowMs: 60 * 60_000, max: 2 } });
    try {
      const ip = fromNewIp();
      const post = (key: string) =>
        request(h.app)
          .post('/v1/open311/requests')
          .set('X-Forwarded-For', ip)
          .set('Idempotency-Key', key)
          .send({ description: '夜间施工噪音扰民', address_string: '罗湖区东门街道' });
      const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
      const filed = await post(first).expect(201);
      for (let i = 0; i < 3; i++)
        expect((await post(first).expect(201)).body[0].service_request_id).to.equal(filed.body[0].service_request_id);
      await post(second).expect(201);
      await post(second).expect(201);
      const refused = await post(crypto.randomUUID()).expect(429);
      expect(refused.body.error.code).to.equal('rate_limited');
    } finally {
      await h.close();
    }
  });

  it('when a submission is retried with the same Idempotency-Key, then the same request and token come back and the ledger has it once', async () => {
    const key = crypto.randomUUID();
    const body = { description: '施工污水直接排进河道，异味很重', address_string: '罗湖区莲塘街道' };
    const ip = fromNewIp();
    const first = (await submit(body, ip).set('Idempotency-Key', key).expect(201)).body[0];
    const again = await submit(body, ip).set('Idempotency-Key', key).expect(201);
    expect(again.body[0]).to.include({
      service_request_id: first.service_request_id,
      receipt_token: first.receipt_token,
    });
    expect(again.body[0].receipt.transactionId).to.equal(first.receipt.transactionId);
    await submit({ ...body, description: '别的内容，工地噪音' }, ip)
      .set('Idempotency-Key', key)
      .expect(422);
  });

  it('when the services are listed, then every ledger category is an Open311 service', async () => {
    const services = (await api(g).get('/v1/open311/services').expect(200)).body;
    expect(services.map((s: { service_code: string }) => s.service_code)).to.include.members([
      'noise',
      'dust',
      'safety',
      'traffic',
      'quality',
      'wage_arrears',
      'environment',
      'other',
    ]);
    expect(services[0]).to.include.keys('service_name', 'metadata', 'type', 'group');
    await api(g).get('/v1/open311/services/graffiti').expect(400);
    const paths = Object.keys((await api(g).get('/openapi.json').expect(200)).body.paths);
    expect(paths.filter((p) => /open311|complaints/.test(p)).length).to.be.at.least(12);
  });

  it('when an Open311 client posts form-encoded fields, then numbers in strings are accepted and the request is created', async () => {
    const res = await api(g)
      .post('/v1/open311/requests')
      .set('X-Forwarded-For', fromNewIp())
      .type('form')
      .send({ service_code: 'traffic', description: '泥头车占用车道，早高峰堵车', lat: '22.5412', long: '114.1187' })
      .expect(201);
    expect(res.body[0]).to.include({ service_code: 'traffic', address: '罗湖区' });
  });

  it("when a Finance-bureau clerk dispatches, starts, answers or closes a complaint, then each is refused (403), nothing changes, and it never sees the citizen's contact (finding 4)", async () => {
    const financeClerk = await newUser(g, 'clerk', { org: 'finance', dept: 'finance' });
    const [request] = (
      await submit({
        description: '工地夜间施工噪音扰民，凌晨还在打桩',
        address_string: '罗湖区东门街道',
        phone: PHONE,
        email: EMAIL,
      }).expect(201)
    ).body;
    const id = request.service_request_id;
    await projected(id);
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(financeClerk)).send({ unit }).expect(403);
    await api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(director)).send({ unit }).expect(201);
    await api(g).post(`/v1/complaints/${id}/start`).set(bearer(financeClerk)).expect(403);
    await api(g)
      .post(`/v1/complaints/${id}/answer`)
      .set(bearer(financeClerk))
      .send({ answer: '已处理，请放心，不会再有噪音。' })
      .expect(403);
    await api(g).post(`/v1/complaints/${id}/close`).set(bearer(financeClerk)).expect(403);
    const seen = await api(g).get(`/v1/complaints/${id}`).set(bearer(financeClerk));
    expect(seen.body.contact, 'contact details').to.equal(undefined);
    expect(JSON.stringify(seen.body)).to.not.include(PHONE);
    const fromLedger = (await api(g).get(`/v1/complaints/${id}?source=ledger`).set(bearer(auditor)).expect(200)).body;
    expect(fromLedger).to.include({ status: 'dispatched', assignedUnit: unit });
  });
});
