import crypto from 'node:crypto';
import { expect } from 'chai';
import { bearer, gatewayUnderTest, newUser, rawApi, type TestGateway } from './support/gateway';

/** A minimal JPEG (SOI, APP0 JFIF, EOI) with a unique comment, so each test's photo is new. */
const jpeg = () =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0'),
    Buffer.from(crypto.randomUUID()),
    Buffer.from([0xff, 0xd9]),
  ]);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const citizen = () => `10.79.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** Issue 13, the citizen's optional photo: kept off-chain, named by the complaint, shown as an image and nothing else. */
describe("complaint photos: a citizen's optional photo", function () {
  this.timeout(120_000);
  let g: TestGateway;
  before(async () => {
    g = await gatewayUnderTest();
  });

  it('when a citizen sends a JPEG and files the complaint with its address, then staff see the photo, served as an image that cannot run', async () => {
    const address = citizen();
    const bytes = jpeg();
    const sent = await rawApi(g)
      .post('/v1/open311/photos')
      .set('x-forwarded-for', address)
      .set('content-type', 'image/jpeg')
      .send(bytes);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    expect(sent.body).to.include({ sha256: sha(bytes), contentType: 'image/jpeg', size: bytes.length });
    const path = new URL(sent.body.media_url).pathname;
    expect(path).to.equal(`/v1/open311/photos/${sha(bytes)}`);

    const filed = await rawApi(g)
      .post('/v1/open311/requests')
      .set('x-forwarded-for', address)
      .send({ description: '井盖缺失，有人掉落风险', lat: 22.5475, long: 114.1195, media_url: sent.body.media_url })
      .expect(201);
    const director = await newUser(g, 'director');
    const staff = await rawApi(g).get(`/v1/complaints/${filed.body[0].service_request_id}`).set(bearer(director));
    expect(staff.body.content.media_url).to.equal(sent.body.media_url);

    const fetched = await rawApi(g)
      .get(path)
      .buffer(true)
      .parse((r, cb) => {
        const c: Buffer[] = [];
        r.on('data', (d: Buffer) => c.push(d));
        r.on('end', () => cb(null, Buffer.concat(c)));
      });
    expect(fetched.status).to.equal(200);
    expect(Buffer.compare(fetched.body as Buffer, bytes)).to.equal(0);
    expect(fetched.headers['content-type']).to.equal('image/jpeg');
    expect(fetched.headers['x-content-type-options']).to.equal('nosniff');
    expect(fetched.headers['content-security-policy']).to.match(/default-src 'none'.*sandbox/);
  });

  it('when an SVG, HTML or plain text is sent as a photo, then 415 and nothing is kept', async () => {
    const svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><!--${crypto.randomUUID()}--></svg>`,
    );
    for (const [type, body] of [
      ['image/svg+xml', svg],
      ['image/jpeg', Buffer.from(`<html><script>alert(${Date.now()})</script></html>`)],
      ['text/plain', jpeg()],
    ] as const) {
      const res = await rawApi(g)
        .post('/v1/open311/photos')
        .set('x-forwarded-for', citizen())
        .set('content-type', type)
        .send(body);
      expect(res.status, type).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
      expect((await rawApi(g).get(`/v1/open311/photos/${sha(body)}`)).status, type).to.equal(404);
    }
  });

  it('when a photo is larger than 5 MB, then 413 and nothing is kept', async () => {
    const big = Buffer.concat([jpeg(), Buffer.alloc(5 * 1024 * 1024)]);
    const res = await rawApi(g)
      .post('/v1/open311/photos')
      .set('x-forwarded-for', citizen())
      .set('content-type', 'image/jpeg')
      .send(big);
    expect(res.status).to.equal(413);
    expect((await rawApi(g).get(`/v1/open311/photos/${sha(big)}`)).status).to.equal(404);
  });
});
