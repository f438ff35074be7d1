import crypto from 'node:crypto';
import { expect } from 'chai';
import { api, bearer, gatewayUnderTest, newUser, randomHash, TestGateway, TestUser } from './support/gateway';
import { UPLOAD_MAX_BYTES } from '../src/documents/routes';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const pdf = (label: string) =>
  Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), crypto.randomBytes(4096), Buffer.from('\n%%EOF\n')]);

describe('documents: uploads', function () {
  let g: TestGateway;
  let clerk: TestUser;

  before(async function () {
    g = await gatewayUnderTest();
    clerk = await newUser(g, 'clerk');
  });

  it('when a file is uploaded, then its SHA-256, size and type come back and the same bytes download again', async function () {
    const bytes = pdf('upload');
    const res = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .attach('file', bytes, { filename: '验收报告.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({
      sha256: sha(bytes),
      size: bytes.length,
      contentType: 'application/pdf',
      created: true,
      filename: '验收报告.pdf',
    });
    const down = await api(g)
      .get(`/v1/uploads/${sha(bytes)}`)
      .set(bearer(clerk))
      .buffer(true)
      .parse((r, cb) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => cb(null, Buffer.concat(parts)));
      });
    expect(down.status).to.equal(200);
    expect(down.headers['content-type']).to.match(/^application\/pdf/);
    expect(down.headers.etag).to.equal(`"${sha(bytes)}"`);
    expect(sha(down.body as Buffer)).to.equal(sha(bytes));
  });

  it('when the same bytes are uploaded twice (raw body the second time), then the same digest and the same stored file come back', async function () {
    const bytes = pdf('twice');
    const first = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .attach('file', bytes, { filename: 'a.pdf', contentType: 'application/pdf' });
    const second = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .set('content-type', 'application/pdf')
      .send(bytes);
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(200);
    expect(second.body).to.include({ sha256: sha(bytes), fileId: first.body.fileId, created: false });
  });

  it('when the same new bytes are uploaded twice at once, then both answers name one stored file, created once', async function () {
    const bytes = pdf('race');
    const answers = await Promise.all(
      [0, 1].map(() =>
        api(g).post('/v1/uploads').set(bearer(clerk)).set('content-type', 'application/pdf').send(bytes),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 201]);
    expect(answers[0].body.fileId).to.equal(answers[1].body.fileId);
  });

  it('when a raw body is larger than the limit, then 413 (the body is read to the end, so the client gets the answer)', async function () {
    this.timeout(120_000);
    const res = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .set('content-type', 'application/octet-stream')
      .send(Buffer.alloc(UPLOAD_MAX_BYTES + 1, 3));
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('when a file is larger than the limit, then 413 and nothing is stored', async function () {
    this.timeout(120_000);
    const bytes = Buffer.alloc(UPLOAD_MAX_BYTES + 1, 7);
    const res = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .attach('file', bytes, { filename: 'big.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('payload_too_large');
    const cut = await api(g)
      .get(`/v1/uploads/${sha(bytes.subarray(0, UPLOAD_MAX_BYTES))}`)
      .set(bearer(clerk));
    expect(cut.status).to.equal(404);
  });

  it('when an upload has no file part, a JSON body, or no session, then it is refused', async function () {
    expect((await api(g).post('/v1/uploads').set(bearer(clerk)).field('note', 'x')).status).to.equal(400);
    expect((await api(g).post('/v1/uploads').set(bearer(clerk)).send({ a: 1 })).status).to.equal(415);
    expect((await api(g).post('/v1/uploads').set('content-type', 'application/pdf').send(pdf('anon'))).status).to.equal(
      401,
    );
    expect((await api(g).get(`/v1/uploads/${randomHash()}`).set(bearer(clerk))).status).to.equal(404);
    expect((await api(g).get('/v1/uploads/not-a-hash').set(bearer(clerk))).status).to.equal(400);
  });
});
