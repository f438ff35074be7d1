import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { PdfLimitError, verifyPdfOffThread } from '../src/documents/pades';
import { api, bearer, gatewayUnderTest, newUser, TestGateway } from './support/gateway';

const INFLATED = 256 * 1024 * 1024;

/** A small PDF (~260 KB) whose one object stream inflates to 256 MiB of zeros: a decompression bomb. */
function bombPdf(): Buffer {
  const deflated = zlib.deflateSync(Buffer.alloc(INFLATED), { level: 9 });
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.7\n% ${crypto.randomBytes(8).toString('hex')}\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${deflated.length} >>\nstream\n`,
    ),
    deflated,
    Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 2 0 R >>\n%%EOF\n'),
  ]);
}

/**
 * Runs the bomb's request while /healthz is asked again and again: the gateway runs in this process, so a blocked
 * event loop would answer none of them before the refusal.
 */
async function whileBombIsChecked(
  g: TestGateway,
  bomb: () => PromiseLike<Response>,
): Promise<{ refusal: Response; healthzBeforeRefusal: number }> {
  let refused = false;
  let healthzBeforeRefusal = 0;
  const pending = Promise.resolve(bomb()).finally(() => {
    refused = true;
  }); // supertest requests are thenables
  const healthz = (async () => {
    while (!refused) {
      const res = await api(g).get('/healthz');
      expect(res.status).to.equal(200);
      if (!refused) healthzBeforeRefusal++;
    }
  })();
  const refusal = await pending;
  await healthz;
  return { refusal, healthzBeforeRefusal };
}

describe('PDF decompression bombs: refused within a budget, off the event loop', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let bomb: Buffer;

  before(async function () {
    bomb = bombPdf();
    expect(bomb.length).to.be.lessThan(300 * 1024);
    g = await gatewayUnderTest();
  });

  it('when the verifier is given the bomb, then it refuses it with PdfLimitError in a worker and the event loop keeps turning', async () => {
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks++;
    }, 5);
    try {
      const error = await verifyPdfOffThread(bomb).then(
        () => null,
        (err: Error) => err,
      );
      expect(error).to.be.instanceOf(PdfLimitError);
      expect(error!.message).to.match(/inflate to more than 67108864 bytes/);
    } finally {
      clearInterval(ticker);
    }
    expect(ticks, 'timers ran while the bomb was checked').to.be.greaterThan(0);
  });

  it('when the bomb is uploaded for verification, then 422 pdf_too_complex, and /healthz answers while it is checked', async () => {
    const { refusal, healthzBeforeRefusal } = await whileBombIsChecked(g, () =>
      api(g).post('/v1/verifications').attach('file', bomb, { filename: 'bomb.pdf', contentType: 'application/pdf' }),
    );
    expect(refusal.status, JSON.stringify(refusal.body)).to.equal(422);
    expect(refusal.body.error.code).to.equal('pdf_too_complex');
    expect(healthzBeforeRefusal, 'health checks answered before the refusal').to.be.greaterThan(0);
  });

  it('when a stored bomb is looked up anonymously by its hash, then 422 pdf_too_complex, and /healthz answers while it is checked', async () => {
    const clerk = await newUser(g, 'clerk');
    const stored = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .attach('file', bomb, { filename: 'bomb.pdf', contentType: 'application/pdf' });
    expect(stored.status, JSON.stringify(stored.body)).to.equal(201);
    const { refusal, healthzBeforeRefusal } = await whileBombIsChecked(g, () =>
      api(g).get(`/v1/verifications/${stored.body.sha256}`),
    );
    expect(refusal.status, JSON.stringify(refusal.body)).to.equal(422);
    expect(refusal.body.error.code).to.equal('pdf_too_complex');
    expect(healthzBeforeRefusal, 'health checks answered before the refusal').to.be.greaterThan(0);
  });
});
