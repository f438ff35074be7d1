import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import fontkit from '@pdf-lib/fontkit';
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { signPdf, verifyPdfSignatures } from '../src/documents/pades';
import { DEFAULT_CJK_FONT_PATH, LATIN_FONT_PATH, loadFont } from '../src/documents/fonts';
import { amountInWords, approvalDecision } from '../src/documents/templates';
import { VERIFICATION_RATE_LIMITS } from '../src/documents/verification-routes';
import { approvedProject, committed, contractBody, fundsCast, peersInStep, type FundsCast } from './funds-fixtures';
import {
  api,
  bearer,
  gatewayUnderTest,
  newKeyHolder,
  newUser,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';
import { completeSignatures } from '../src/client/signing-client';
import { signBytes } from '../src/device-client/keys';
import { ledgerSetup, type LedgerSetup } from './support/ledger-setup';

const run = promisify(execFile);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-documents-'));

/** pdfsig (poppler) on the bytes: each signature's validation line, and whether the last covers the whole file. */
async function pdfsig(
  bytes: Buffer,
): Promise<{ signatures: string[]; totalDocumentSigned: boolean[]; output: string }> {
  const file = path.join(dir, `${sha(bytes)}.pdf`);
  fs.writeFileSync(file, bytes);
  // -nocert: the bureaus' CA roots are not in this machine's trust store; the signatures themselves are checked.
  const { stdout } = await run('pdfsig', ['-nocert', file]).catch((err: { stdout?: string }) => ({
    stdout: err.stdout ?? '',
  }));
  return {
    signatures: [...stdout.matchAll(/Signature Validation: (.*)/g)].map((m) => m[1].trim()),
    totalDocumentSigned: [...stdout.matchAll(/- (Total document signed|Not total document signed)/g)].map(
      (m) => m[1] === 'Total document signed',
    ),
    output: stdout,
  };
}

async function pdftotext(bytes: Buffer): Promise<string> {
  const file = path.join(dir, `${sha(bytes)}-text.pdf`);
  fs.writeFileSync(file, bytes);
  return (await run('pdftotext', ['-layout', file, '-'])).stdout;
}

describe('document templates', function () {
  this.timeout(30_000);
  const facts = {
    project: {
      id: 'PRJ-1',
      name: '罗湖区东门步行街改造',
      type: 'building',
      budget: 5_000_000_000,
      location: '深圳市罗湖区东门',
    },
    applicant: '某建设工程有限公司（CT-1）',
    decision: 'approved' as const,
    reason: '材料齐全',
    reviews: [{ dept: 'housing', opinion: 'approve', reason: '同意' }],
    decidedBy: 'director-chen',
  };
  const header = {
    documentNo: '罗住建审〔2026〕0A1B2C3D 号',
    issuer: '深圳市罗湖区住房和建设局',
    ledger: { transactionId: 'ab'.repeat(32), blockNumber: '42', timestamp: '2026-11-24T05:00:00.000Z' },
    verificationUrl: 'https://ledger.example/v1/v/0123456789abcdef0123',
  };

  it('when the same decision is rendered twice, then the bytes are the same, dated by the ledger, with every character in an embedded font subset (a few KB of each font)', async () => {
    const [a, b] = [
      Buffer.from(await approvalDecision(facts, header)),
      Buffer.from(await approvalDecision(facts, header)),
    ];
    expect(a.equals(b)).to.equal(true);
    const text = await pdftotext(a);
    for (const expected of ['审批决定书', 'PRJ-1', '50,000,000.00 元', '2026年11月24日', header.verificationUrl])
      expect(text).to.include(expected);
    const file = path.join(dir, 'fonts.pdf');
    fs.writeFileSync(file, a);
    const fonts = (await run('pdffonts', [file])).stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts).to.have.length(2);
    for (const line of fonts)
      expect(line, line).to.match(/^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/); // an embedded subset, with a ToUnicode map
    expect(a.length, 'subsets of a 4 MB and a 0.7 MB font').to.be.below(100_000);
  });

  it('when a document embeds its font subsets, then every character in them keeps the outline it has in the system font (no blank glyphs)', async () => {
    const doc = await PDFDocument.load(await approvalDecision(facts, header));
    const subsets = doc.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .filter((o): o is PDFDict => o instanceof PDFDict && o.has(PDFName.of('FontFile2')))
      .map((descriptor) =>
        fontkit.create(
          Buffer.from(
            decodePDFRawStream(doc.context.lookup(descriptor.get(PDFName.of('FontFile2'))) as PDFRawStream).decode(),
          ),
        ),
      );
    expect(subsets).to.have.length(2);
    const originals = [loadFont(DEFAULT_CJK_FONT_PATH).cmap, loadFont(LATIN_FONT_PATH).cmap];
    for (const font of subsets) {
      const original = originals.find((o) => o.postscriptName === font.postscriptName)!;
      expect(original, String(font.postscriptName)).to.not.equal(undefined);
      expect(font.characterSet.length, String(font.postscriptName)).to.be.above(10);
      for (const codePoint of font.characterSet) {
        const char = String.fromCodePoint(codePoint);
        expect(font.glyphForCodePoint(codePoint).path.toSVG(), char).to.equal(
          original.glyphForCodePoint(codePoint).path.toSVG(),
        );
      }
      const blank = Array.from({ length: font.numGlyphs - 1 }, (_, i) => font.getGlyph(i + 1)).filter(
        (g) => (g.path as unknown as { commands: unknown[] }).commands.length === 0,
      );
      expect(blank.length, `${font.numGlyphs} glyphs`).to.be.at.most(1); // the space
    }
  });

  it('when amounts are written in capitals, then zeros, units and 角/分 follow the voucher convention', () => {
    expect(amountInWords(0)).to.equal('零元整');
    expect(amountInWords(35)).to.equal('叁角伍分');
    expect(amountInWords(105)).to.equal('壹元零伍分');
    expect(amountInWords(105_000)).to.equal('壹仟零伍拾元整');
    expect(amountInWords(10_000_500)).to.equal('壹拾万零伍元整');
    expect(amountInWords(10_001_000_000)).to.equal('壹亿零壹万元整');
    expect(amountInWords(123_456_789)).to.equal('壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分');
    expect(() => amountInWords(1.5)).to.throw(RangeError);
  });
});

describe('sealed documents (电子签章) and verify-by-upload', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let setup: LedgerSetup;
  let cast: FundsCast;
  let admin: TestUser;
  let financeClerk: TestUser;
  let unsealedClerk: TestUser;
  let projectId: string;
  let decision: { transactionId: string; blockNumber: string };
  let id: string;
  const revisions: Buffer[] = [];
  const receipts: { transactionId: string; blockNumber: string }[] = [];

  const download = async (user: TestUser, sha256: string) => {
    const res = await api(g)
      .get(`/v1/uploads/${sha256}`)
      .set(bearer(user))
      .buffer(true)
      .parse((r, cb) => {
        const c: Buffer[] = [];
        r.on('data', (d: Buffer) => c.push(d));
        r.on('end', () => cb(null, Buffer.concat(c)));
      });
    expect(res.status).to.equal(200);
    return res.body as Buffer;
  };
  const sign = (user: TestUser, docId = id, headers: Record<string, string> = {}) =>
    api(g).post(`/v1/sealed-documents/${docId}/signatures`).set(bearer(user)).set(headers).send({});
  const directorsKey = { 'Idempotency-Key': uniqueId('sign') };
  const state = async (docId = id) => (await api(g).get(`/v1/sealed-documents/${docId}`).set(bearer(cast.clerk))).body;
  const verifyUpload = (bytes: Buffer) =>
    api(g)
      .post('/v1/verifications')
      .attach('file', bytes, { filename: '审批决定书.pdf', contentType: 'application/pdf' });

  before(async function () {
    g = await gatewayUnderTest();
    setup = await ledgerSetup();
    cast = await fundsCast(g);
    [admin, financeClerk, unsealedClerk] = await Promise.all([
      newUser(g, 'admin'),
      newUser(g, 'clerk', { org: 'finance' }),
      newUser(g, 'clerk', { dept: 'housing' }),
    ]);
    ({ projectId } = await approvedProject(g, cast, setup));
    const history = await api(g).get(`/v1/records/project/${projectId}/history`).set(bearer(cast.clerk));
    decision = history.body.changes[0];
    // Each signer's seal is the certificate their bureau's CA issued them, registered by their bureau's admin.
    for (const user of [cast.clerk, cast.reviewer, cast.director]) {
      const res = await api(g)
        .post('/v1/seal-certificates')
        .set(bearer(admin))
        .send({ holder: user.username, label: `罗湖区住建局 ${user.role} 签章` });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    await peersInStep(g);
  });

  after(async () => {
    await setup?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("when a clerk generates the approval decision of an approved project, then the draft shows the ledger's project, parties, amount, transaction and block", async function () {
    const res = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'approval_decision', projectId });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({
      type: 'approval_decision',
      record: `project/${projectId}`,
      projectId,
      status: 'draft',
      decisionTransactionId: decision.transactionId,
      signatures: 0,
    });
    id = res.body.id;
    expect(res.body.verificationUrl).to.match(new RegExp(`/v1/v/${id}$`));
    const draft = await download(cast.clerk, res.body.draft.sha256);
    const text = (await pdftotext(draft)).replace(/\s+/g, ' ');
    for (const expected of [
      '审批决定书',
      '翠竹街道老旧小区改造',
      projectId,
      '1,000,000.00 元',
      '准予许可',
      decision.transactionId,
      `Block ${decision.blockNumber}`,
      res.body.verificationUrl,
    ]) {
      expect(text, expected).to.include(expected);
    }
    const again = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'approval_decision', projectId });
    expect(again.status).to.equal(200);
    expect(again.body.draft.sha256).to.equal(res.body.draft.sha256);
    revisions.push(draft);
  });

  it("when the reviewer and the director look for the project's documents, then they find the clerk's draft; a contractor finds none", async function () {
    for (const user of [cast.reviewer, cast.director]) {
      const listed = await api(g).get(`/v1/sealed-documents?projectId=${projectId}`).set(bearer(user)).expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).to.deep.equal([id]);
    }
    const theirs = await api(g).get(`/v1/sealed-documents?projectId=${projectId}`).set(bearer(cast.contractor));
    expect(theirs.status).to.equal(200);
    expect(theirs.body.items).to.deep.equal([]);
  });

  it('when the clerk seals, then a reviewer and a director counter-sign, then each revision is anchored superseding the last and pdfsig finds every signature valid', async function () {
    for (const [user, status] of [
      [cast.clerk, 'sealed'],
      [cast.reviewer, 'reviewed'],
      [cast.director, 'final'],
    ] as const) {
      const res = await sign(user, id, user === cast.director ? directorsKey : {});
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.receipt).to.include({ validationCode: 'VALID' });
      expect(res.body.result).to.include({
        signatureAlgorithm: 'PAdES',
        status: 'active',
        version: receipts.length + 1,
        record: `project/${projectId}`,
      });
      receipts.push(res.body.receipt);
      const now = await state();
      expect(now.status).to.equal(status);
      expect(now.current.sha256).to.equal(res.body.result.sha256);
      revisions.push(await download(user, now.current.sha256));
    }
    const final = revisions[3];
    const poppler = await pdfsig(final);
    expect(poppler.signatures, poppler.output).to.deep.equal([
      'Signature is Valid.',
      'Signature is Valid.',
      'Signature is Valid.',
    ]);
    expect(poppler.totalDocumentSigned, poppler.output).to.deep.equal([false, false, true]);
    const ours = verifyPdfSignatures(final);
    expect(ours.allValid, ours.problems.join('; ')).to.equal(true);
    expect(ours.unmodifiedSinceLastSignature).to.equal(true);
    expect(ours.signatures.map((s) => s.signerSubject).join(' | '))
      .to.include(cast.clerk.username)
      .and.include(cast.reviewer.username)
      .and.include(cast.director.username);
  });

  it('when a clerk who holds their own key seals, then they sign the seal itself, then the proposal and transaction; the PDF carries their valid signature', async function () {
    const keyClerk = await newKeyHolder(g, 'clerk');
    const other = await newKeyHolder(g, 'clerk');
    const bound = await api(g)
      .post('/v1/seal-certificates')
      .set(bearer(admin))
      .send({ holder: keyClerk.username, label: '王敏 电子印章' });
    expect(bound.status, JSON.stringify(bound.body)).to.equal(201);
    const { projectId: another } = await approvedProject(g, cast, setup);
    const generated = await keyClerk.client.request('POST', '/v1/sealed-documents', {
      type: 'approval_decision',
      projectId: another,
    });
    expect(generated.status, JSON.stringify(generated.body)).to.equal(201);
    const docId = generated.body.id as string;
    const first = await api(g)
      .post(`/v1/sealed-documents/${docId}/signatures`)
      .set('authorization', `Bearer ${keyClerk.client.sessionToken}`)
      .send({})
      .expect(202);
    expect(first.body).to.include({ stage: 'seal' });
    expect(first.headers.location).to.equal(`/v1/transactions/${first.body.transactionId}/seal-signature`);
    const byOther = await api(g)
      .post(first.headers.location)
      .send({ signature: await signBytes(other.client.holder.privateKey, Buffer.from(first.body.message, 'base64')) })
      .expect(401);
    expect(byOther.body.error.code).to.equal('signature_invalid');
    expect((await state(docId)).status).to.equal('draft');
    const proposal = await api(g)
      .post(first.headers.location)
      .send({
        signature: await signBytes(keyClerk.client.holder.privateKey, Buffer.from(first.body.message, 'base64')),
      })
      .expect(200);
    expect(proposal.body).to.include({ stage: 'proposal', reference: 'document.anchorDocument' });
    const done = await completeSignatures(g.url, keyClerk.client.holder, {
      status: 200,
      headers: new Headers(),
      body: proposal.body,
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(201);
    expect((await state(docId)).status).to.equal('sealed');
    const sealed = await download(cast.clerk, done.body.result.sha256);
    const ours = verifyPdfSignatures(sealed);
    expect(ours.allValid, ours.problems.join('; ')).to.equal(true);
    expect(ours.signatures.map((sig) => sig.signerSubject).join(' | ')).to.include(keyClerk.username);
    expect(ours.signatures[0].certificateFingerprint).to.equal(
      sha(Buffer.from(new crypto.X509Certificate(keyClerk.client.holder.certificate).raw)),
    );
    expect((await pdfsig(sealed)).signatures).to.deep.equal(['Signature is Valid.']);
  });

  it("when the director's signing is retried with its Idempotency-Key, then the first answer is replayed and no fourth signature is made", async function () {
    const replay = await sign(cast.director, id, directorsKey);
    expect(replay.status, JSON.stringify(replay.body)).to.equal(201);
    expect(replay.headers['idempotent-replayed']).to.equal('true');
    expect(replay.body.receipt).to.deep.equal(receipts[2]);
    expect((await state()).current.sha256).to.equal(sha(revisions[3]));
  });

  it('when anyone uploads the final PDF, then it is anchored by the director in the transaction and block of the receipt, every signature valid and a registered seal', async function () {
    const res = await verifyUpload(revisions[3]);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ sha256: sha(revisions[3]), anchored: true, verdict: 'valid' });
    expect(res.body.ledger).to.include({
      status: 'active',
      version: 3,
      transactionId: receipts[2].transactionId,
      blockNumber: receipts[2].blockNumber,
      record: `project/${projectId}`,
    });
    expect(res.body.ledger.signer).to.include({ mspId: 'HousingMSP', name: cast.director.username, role: 'director' });
    expect(res.body.pdf.signatures).to.have.length(3);
    for (const s of res.body.pdf.signatures) {
      expect(s.valid).to.equal(true);
      expect(s.seal).to.include({ registered: true, status: 'active', holderMsp: 'HousingMSP' });
    }
    const byHash = await api(g)
      .post('/v1/verifications')
      .send({ sha256: sha(revisions[3]) });
    expect(byHash.body).to.deep.include({ anchored: true, verdict: 'valid' });
    const link = await api(g).get(`/v1/v/${id}`);
    expect(link.status).to.equal(200);
    expect(link.body).to.deep.include({ sha256: sha(revisions[3]), verdict: 'valid' });
    expect(link.body.document).to.include({ id, status: 'final' });
    // A phone scanning the QR code asks for a page: it is sent to the web app's verify page, which reads the JSON.
    const scanned = await api(g).get(`/v1/v/${id}`).set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect([scanned.status, scanned.headers.location]).to.deep.equal([303, `/public/verify/${id}`]);
  });

  it('when an earlier revision is uploaded, then it is reported as anchored but superseded by the next', async function () {
    const res = await verifyUpload(revisions[1]);
    expect(res.body).to.include({ anchored: true, verdict: 'superseded' });
    expect(res.body.ledger).to.include({
      status: 'superseded',
      supersededBy: sha(revisions[2]),
      transactionId: receipts[0].transactionId,
    });
    const draft = await verifyUpload(revisions[0]);
    expect(draft.body).to.include({ anchored: false, verdict: 'not_anchored' });
    expect(draft.body.pdf.signatures).to.deep.equal([]);
  });

  it('when one byte of the final PDF is flipped, then pdfsig and our verifier report it and verify-by-upload says not anchored', async function () {
    const tampered = Buffer.from(revisions[3]);
    const at = tampered.indexOf('/Producer');
    expect(at).to.be.greaterThan(0);
    tampered[at + 12] ^= 0x01; // inside the document information, which every signature covers
    const poppler = await pdfsig(tampered);
    expect(poppler.signatures, poppler.output).to.have.length(3);
    expect(
      poppler.signatures.every((s) => s !== 'Signature is Valid.'),
      poppler.output,
    ).to.equal(true);
    const ours = verifyPdfSignatures(tampered);
    expect(ours.allValid).to.equal(false);
    expect(ours.signatures.every((s) => !s.digestValid)).to.equal(true);
    const res = await verifyUpload(tampered);
    expect(res.body).to.include({ anchored: false, verdict: 'invalid_signature' });
    expect(res.body.ledger).to.equal(null);
  });

  it('when a PDF signed elsewhere is uploaded, then its signature is checked the same way and its certificate is not a registered seal', async function () {
    const key = path.join(dir, 'elsewhere.key');
    const cert = path.join(dir, 'elsewhere.crt');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=Other Agency Signer/O=Elsewhere',
    ]);
    const privateKey = crypto.createPrivateKey(fs.readFileSync(key));
    const doc = await PDFDocument.create();
    doc
      .addPage([300, 200])
      .drawText('Signed elsewhere', { x: 20, y: 100, font: await doc.embedFont(StandardFonts.Helvetica) });
    const signed = Buffer.from(
      await signPdf(
        await doc.save({ useObjectStreams: false }),
        {
          certificateChain: [fs.readFileSync(cert, 'utf8')],
          algorithm: 'ECDSA-SHA256',
          sign: async (bytes) => crypto.sign('sha256', bytes, privateKey),
        },
        { reason: 'external' },
      ),
    );
    const res = await verifyUpload(signed);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ anchored: false, verdict: 'not_anchored' });
    expect(res.body.pdf.signatures).to.have.length(1);
    expect(res.body.pdf.signatures[0]).to.deep.include({ valid: true, seal: { registered: false } });
    expect(res.body.pdf.signatures[0].signer).to.include('Other Agency Signer');
  });

  it('when one address sends a burst of uploads over the limit, then the rest get 429 with Retry-After and the connection closed, unchecked, while its lookups and other addresses still get answers', async function () {
    const { uploads } = VERIFICATION_RATE_LIMITS;
    // The windows are fixed minutes: start the burst early in one, so that it cannot straddle two.
    if (Date.now() % uploads.windowMs > uploads.windowMs - 20_000)
      await new Promise((r) => setTimeout(r, uploads.windowMs - (Date.now() % uploads.windowMs) + 100));
    const ip = `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;
    const file = Buffer.from(`not a PDF ${uniqueId('burst')}`);
    const upload = (from: string) =>
      api(g)
        .post('/v1/verifications')
        .set('X-Forwarded-For', from)
        .attach('file', file, { filename: 'x.txt', contentType: 'text/plain' });
    const answers = [];
    for (let i = 0; i <= uploads.max; i++) answers.push(await upload(ip));
    expect(answers.slice(0, uploads.max).map((r) => r.status)).to.deep.equal(Array(uploads.max).fill(200));
    const refused = answers[uploads.max];
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(refused.body).to.not.have.property('sha256'); // refused before the file was read or checked
    expect(Number(refused.headers['retry-after'])).to.be.within(1, uploads.windowMs / 1000);
    expect(refused.headers.connection).to.equal('close');
    expect((await upload(ip)).status, 'still refused within the window').to.equal(429);
    expect(
      (
        await api(g)
          .get(`/v1/verifications/${sha(file)}`)
          .set('X-Forwarded-For', ip)
      ).status,
      'lookups count apart',
    ).to.equal(200);
    const other = await upload(`10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`);
    expect(other.status).to.equal(200);
    expect(other.body.sha256).to.equal(sha(file));
  });

  it('when the wrong role or bureau asks, the record is unknown or undecided, or the input is malformed, then it is refused with a 4xx and nothing changes', async function () {
    const before = await state();
    expect(
      (
        await api(g)
          .post('/v1/sealed-documents')
          .set(bearer(cast.reviewer))
          .send({ type: 'approval_decision', projectId })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/sealed-documents')
          .set(bearer(financeClerk))
          .send({ type: 'approval_decision', projectId })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/sealed-documents')
          .set(bearer(cast.clerk))
          .send({ type: 'approval_decision', projectId: 'P-unknown-404' })
      ).status,
    ).to.equal(404);
    expect(
      (
        await api(g)
          .post('/v1/sealed-documents')
          .set(bearer(cast.clerk))
          .send({ type: 'approval_decision', projectId, extra: 1 })
      ).status,
    ).to.equal(400);
    expect(
      (await api(g).post('/v1/sealed-documents').set(bearer(cast.clerk)).send({ type: 'invoice', projectId })).status,
    ).to.equal(400);
    expect(
      (await api(g).post('/v1/sealed-documents').set(bearer(cast.clerk)).send({ type: 'payout_voucher', projectId }))
        .status,
    ).to.equal(400);
    expect((await sign(cast.finance)).status).to.equal(403);
    expect((await sign(cast.clerk, '0123456789abcdef0123')).status).to.equal(404);
    expect((await sign(cast.director)).status, 'a final document takes no more signatures').to.equal(409);
    expect((await api(g).post('/v1/verifications').send({ sha256: 'not-a-hash' })).status).to.equal(400);
    expect((await api(g).post('/v1/verifications').set('content-type', 'text/plain').send('hello')).status).to.equal(
      415,
    );
    expect(await state()).to.deep.equal(before);
  });

  it('when the director revokes the final revision with a reason, then verify-by-upload and the QR link say revoked and nobody signs it again', async function () {
    const res = await api(g)
      .post(`/v1/documents/${sha(revisions[3])}/revocation`)
      .set(bearer(cast.director))
      .send({ reason: '决定书内容有误，重新出具' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const upload = await verifyUpload(revisions[3]);
    expect(upload.body).to.include({ anchored: true, verdict: 'revoked' });
    expect(upload.body.ledger).to.include({ status: 'revoked', revokedReason: '决定书内容有误，重新出具' });
    expect((await api(g).get(`/v1/v/${id}`)).body.document.status).to.equal('revoked');
    expect((await sign(cast.reviewer)).status).to.equal(409);
  });

  it('when a clerk without a registered seal seals, or a reviewer signs before the clerk, then it is refused and the document stays a draft', async function () {
    const other = await approvedProject(g, cast, setup);
    const draft = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(unsealedClerk))
      .send({ type: 'approval_decision', projectId: other.projectId });
    expect(draft.status, JSON.stringify(draft.body)).to.equal(201);
    const early = await sign(cast.reviewer, draft.body.id);
    expect(early.status).to.equal(409);
    expect(early.body.error.message).to.match(/next signature is a clerk's/);
    const unsealed = await sign(unsealedClerk, draft.body.id);
    expect(unsealed.status).to.equal(422);
    expect(unsealed.body.error.code).to.equal('seal_not_registered');
    expect((await state(draft.body.id)).status).to.equal('draft');
    const undecided = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'acceptance_report', contractId: 'HT-none', milestoneId: 'M1' });
    expect(undecided.status).to.equal(404);
  });

  it("when a contract's decisions are on the ledger, then the acceptance report, change record and (Finance's) payout voucher carry their figures", async function () {
    const { projectId: works, contractorId } = await approvedProject(g, cast, setup);
    const contract = contractBody(works, contractorId, [
      { id: 'M1', amount: 20_000_000 },
      { id: 'M2', amount: 40_000_000 },
    ]);
    const post = (user: TestUser, url: string, body: object = {}) =>
      api(g).post(`/v1${url}`).set(bearer(user)).send(body);
    await committed(g, post(cast.clerk, '/contracts', contract));
    const order = {
      id: uniqueId('CO'),
      reason: '增加外墙保温工程量',
      changes: [{ milestoneId: 'M2', amount: 45_000_000 }],
    };
    await committed(g, post(cast.clerk, `/contracts/${contract.id}/change-orders`, order));
    await committed(
      g,
      post(cast.director, `/contracts/${contract.id}/change-orders/${order.id}/decision`, {
        decision: 'approve',
        reason: '同意变更',
      }),
    );
    await committed(g, post(cast.inspector, `/contracts/${contract.id}/milestones/M1/acceptance`));
    const payoutId = uniqueId('PAY');
    await committed(
      g,
      post(cast.finance, '/payouts', { id: payoutId, contractId: contract.id, milestoneId: 'M1', amount: 15_000_000 }),
    );
    await committed(g, post(cast.director, `/payouts/${payoutId}/approval`));

    const generated = async (user: TestUser, body: object) => {
      const res = await post(user, '/sealed-documents', body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.projectId).to.equal(works);
      return (await pdftotext(await download(user, res.body.draft.sha256))).replace(/\s+/g, ' ');
    };
    const acceptance = await generated(cast.clerk, {
      type: 'acceptance_report',
      contractId: contract.id,
      milestoneId: 'M1',
    });
    for (const expected of ['验收报告', contract.id, '第1阶段', '200,000.00 元', '合格'])
      expect(acceptance, expected).to.include(expected);
    const change = await generated(cast.clerk, {
      type: 'change_record',
      contractId: contract.id,
      changeOrderId: order.id,
    });
    for (const expected of ['变更记录', order.id, '增加外墙保温工程量', '+50,000.00 元', '650,000.00 元', '同意变更'])
      expect(change, expected).to.include(expected);
    expect(
      (await post(cast.clerk, '/sealed-documents', { type: 'payout_voucher', payoutId })).status,
      "vouchers are Finance's",
    ).to.equal(403);
    const voucher = await generated(financeClerk, { type: 'payout_voucher', payoutId });
    for (const expected of ['拨付凭证', payoutId, '150,000.00 元', '人民币壹拾伍万元整', '已批准'])
      expect(voucher, expected).to.include(expected);
  });
});
