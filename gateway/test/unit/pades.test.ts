import crypto from 'node:crypto';
import zlib from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { expect } from 'chai';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { PdfSigner, SignOptions, cjkSubsetFont, signPdf, verifyPdfSignatures } from '../../src/documents/pades';
import { DEFAULT_CJK_FONT_PATH, loadFont } from '../../src/documents/fonts';
import { IncrementalUpdate } from '../../src/documents/pades/incremental-writer';
import { readStructure } from '../../src/documents/pades/pdf-structure';
import { TestPki, chineseDocument, pdfSignedElsewhere, pdfsig } from './pades-fixtures';

const seal = (caption: string, x: number): SignOptions['appearance'] => ({
  rect: [x, 60, 150, 170],
  organisation: '深圳市罗湖区住房和建设局',
  caption,
  signerName: '经办人 张三 2026-11-24',
});

/** The CMS and the bytes it signs, cut out of a signed PDF by its ByteRange. */
function signedParts(pdf: Uint8Array, byteRange: number[]): { cms: Buffer; content: Buffer } {
  const bytes = Buffer.from(pdf);
  const [, b, c, d] = byteRange;
  return {
    cms: Buffer.from(bytes.toString('latin1', b + 1, c - 1), 'hex'),
    content: Buffer.concat([bytes.subarray(0, b), bytes.subarray(c, c + d)]),
  };
}

describe('PAdES signing and verification of sealed documents', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let clerk: PdfSigner;
  let reviewer: PdfSigner;
  let director: PdfSigner;
  let clerkCertificate: string;
  let document: Uint8Array;
  let signedByClerk: Uint8Array;
  let signedByReviewer: Uint8Array;
  let signedByAll: Uint8Array;

  before(async () => {
    pki = new TestPki();
    ({ signer: clerk, certificate: clerkCertificate } = pki.issue('clerk', '/C=CN/O=深圳市罗湖区住房和建设局/CN=张三'));
    ({ signer: reviewer } = pki.issue('reviewer', '/C=CN/O=深圳市罗湖区住房和建设局/CN=李四'));
    ({ signer: director } = pki.issue('director', '/C=CN/O=深圳市罗湖区住房和建设局/CN=王五'));
    document = await chineseDocument();
    signedByClerk = await signPdf(document, clerk, {
      reason: '经办',
      location: '深圳市罗湖区',
      signingTime: new Date('2026-11-24T02:30:00Z'),
      appearance: seal('审批专用章', 400),
    });
    signedByReviewer = await signPdf(signedByClerk, reviewer, { reason: '复核', appearance: seal('复核专用章', 230) });
    signedByAll = await signPdf(signedByReviewer, director, { reason: '批准' });
  });
  after(() => pki.remove());

  it('when a pdf-lib document with Chinese text is signed with a P-256 certificate, then pdfsig and our verifier find one valid PAdES signature over the whole file', () => {
    const [byPdfsig] = pdfsig(signedByClerk, pki.dir);
    expect(byPdfsig).to.include({ valid: true, totalDocument: true, field: 'Signature1' });

    const verification = verifyPdfSignatures(signedByClerk);
    expect(verification).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
    expect(verification.problems).to.deep.equal([]);
    const [signature] = verification.signatures;
    expect(signature).to.include({
      field: 'Signature1',
      subFilter: 'ETSI.CAdES.detached',
      signingTime: '2026-11-24T02:30:00.000Z',
      reason: '经办',
      digestValid: true,
      signatureValid: true,
      signingCertificateV2Valid: true,
      coversDocumentUpTo: signedByClerk.length,
      certificateFingerprint: crypto
        .createHash('sha256')
        .update(new crypto.X509Certificate(clerkCertificate).raw)
        .digest('hex'),
    });
    expect(signature.signerSubject).to.contain('CN=张三');
    expect(signature.chain).to.have.length(2);
    expect(signature.chain[1]).to.equal(new crypto.X509Certificate(pki.caPem).toString());
  });

  it('when openssl checks the embedded CMS against the signed bytes, then it accepts the signature, the ESS signing-certificate-v2 and the chain', () => {
    const [signature] = verifyPdfSignatures(signedByClerk).signatures;
    const { cms, content } = signedParts(signedByClerk, signature.byteRange);
    expect(pki.opensslVerifies(cms, content)).to.equal(true);
    expect(pki.opensslVerifies(cms, Buffer.concat([content, Buffer.from(' ')]))).to.equal(false);
  });

  it('when the clerk, the reviewer and the director sign in turn, then each signature is an incremental update and all three are valid in pdfsig and our verifier', () => {
    expect(
      Buffer.from(signedByAll.subarray(0, signedByReviewer.length)).equals(Buffer.from(signedByReviewer)),
    ).to.equal(true);
    expect(Buffer.from(signedByReviewer.subarray(0, signedByClerk.length)).equals(Buffer.from(signedByClerk))).to.equal(
      true,
    );

    const byPdfsig = pdfsig(signedByAll, pki.dir);
    expect(byPdfsig.map((s) => s.valid)).to.deep.equal([true, true, true]);
    expect(byPdfsig.map((s) => s.totalDocument)).to.deep.equal([false, false, true]);

    const verification = verifyPdfSignatures(signedByAll);
    expect(verification).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
    expect(verification.signatures.map((s) => s.field)).to.deep.equal(['Signature1', 'Signature2', 'Signature3']);
    expect(verification.signatures.map((s) => s.coversDocumentUpTo)).to.deep.equal([
      signedByClerk.length,
      signedByReviewer.length,
      signedByAll.length,
    ]);
    expect(verification.signatures.map((s) => /CN=(\S+)/.exec(s.signerSubject)?.[1])).to.deep.equal([
      '张三',
      '李四',
      '王五',
    ]);
  });

  it('when one byte inside the first revision is flipped, then pdfsig and our verifier report every signature altered', () => {
    const tampered = Buffer.from(signedByAll);
    const at = tampered.indexOf('/Length1'); // inside the first seal's embedded font program, signed by all three
    tampered[tampered.indexOf('stream\n', at) + 20] ^= 0x01;

    expect(pdfsig(tampered, pki.dir).map((s) => s.valid)).to.deep.equal([false, false, false]);
    const verification = verifyPdfSignatures(tampered);
    expect(verification.allValid).to.equal(false);
    expect(verification.signatures.map((s) => s.digestValid)).to.deep.equal([false, false, false]);
    expect(verification.problems.join('\n')).to.contain('altered');
  });

  it("when one byte of the director's revision is changed, then only the director's signature is invalid", () => {
    const tampered = Buffer.from(signedByAll);
    const reason = tampered.indexOf('/Reason <', signedByReviewer.length) + '/Reason <FEFF'.length; // 批准 → another character
    tampered[reason] = tampered[reason] === 0x37 ? 0x38 : 0x37;

    expect(pdfsig(tampered, pki.dir).map((s) => s.valid)).to.deep.equal([true, true, false]);
    expect(verifyPdfSignatures(tampered).signatures.map((s) => s.digestValid)).to.deep.equal([true, true, false]);
  });

  it('when a revision that is not a signature is appended after the last signature, then the verifier reports the document modified and pdfsig agrees', async () => {
    const structure = await readStructure(signedByAll);
    const update = new IncrementalUpdate(structure);
    const info = update.allocate();
    update.put(info, '<</Title (changed after signing)>>');
    const appended = update.finish().bytes;

    const verification = verifyPdfSignatures(appended);
    expect(verification).to.include({ unmodifiedSinceLastSignature: false, allValid: true });
    expect(verification.problems.join('\n')).to.contain('appended after the last signature');
    expect(pdfsig(appended, pki.dir).map((s) => s.totalDocument)).to.deep.equal([false, false, false]);

    // Signing after that small revision chains the new xref section to it, not to the one before.
    const resigned = Buffer.from(await signPdf(appended, clerk));
    const appendedXref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(appended.toString('latin1'))![1];
    expect(resigned.toString('latin1', appended.length)).to.match(new RegExp(`/Prev ${appendedXref}\\b`));
    expect(verifyPdfSignatures(resigned)).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
  });

  it("when a later revision overwrites the clerk's signature dictionary, then the clerk's signature is still listed and checked", async () => {
    const clerkSignature = Number(
      /(\d+) 0 obj\n<<\/Type \/Sig /.exec(Buffer.from(signedByClerk).toString('latin1'))![1],
    );
    const update = new IncrementalUpdate(await readStructure(signedByAll));
    update.put(PDFRef.of(clerkSignature), '<</Type /Sig>>');
    const overwritten = update.finish().bytes;

    const verification = verifyPdfSignatures(overwritten);
    expect(verification.signatures.map((s) => s.signatureValid)).to.deep.equal([true, true, true]);
    expect(verification.signatures[0].coversDocumentUpTo).to.equal(signedByClerk.length);
    expect(verification.unmodifiedSinceLastSignature).to.equal(false);
  });

  it('when a PDF made elsewhere carries an RSA signature made by openssl (adbe.pkcs7.detached), then our verifier and pdfsig find it valid', () => {
    const rsa = pki.issue('contractor', '/C=CN/O=Shenzhen Contractor Ltd/CN=Contractor RSA', 'rsa');
    const elsewhere = pdfSignedElsewhere(pki, rsa);

    expect(pdfsig(elsewhere, pki.dir)).to.have.length(1).and.to.have.nested.property('[0].valid', true);
    const verification = verifyPdfSignatures(elsewhere);
    expect(verification).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
    expect(verification.signatures[0]).to.include({
      field: 'Contractor',
      subFilter: 'adbe.pkcs7.detached',
      reason: 'Contractor acknowledges',
      signingTime: '2026-11-24T02:00:00.000Z',
      digestValid: true,
      signatureValid: true,
      signingCertificateV2Valid: true,
    });
  });

  it('when our RSA signer counter-signs that PDF (classic xref table, direct AcroForm), then both signatures stay valid', async () => {
    const rsa = pki.issue('bureau-rsa', '/C=CN/O=深圳市罗湖区住房和建设局/CN=RSA 经办', 'rsa');
    const elsewhere = pdfSignedElsewhere(pki, rsa);
    const counterSigned = await signPdf(elsewhere, rsa.signer, {
      reason: '收件',
      appearance: { rect: [400, 600, 140, 140], organisation: '深圳市罗湖区住房和建设局', caption: '收件专用章' },
    });

    expect(Buffer.from(counterSigned).toString('latin1', elsewhere.length)).to.match(/\nxref\n/); // same kind of xref section
    expect(pdfsig(counterSigned, pki.dir).map((s) => s.valid)).to.deep.equal([true, true]);
    const verification = verifyPdfSignatures(counterSigned);
    expect(verification).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
    expect(verification.signatures.map((s) => s.field)).to.deep.equal(['Contractor', 'Signature1']);
  });

  it('when a PDF written by cairo (pdftocairo: classic xref, no /ID) is sealed twice, then both signatures are valid in pdfsig and our verifier', async () => {
    const cairo = pki.rewriteWithCairo(document);
    const sealed = await signPdf(await signPdf(cairo, clerk, { appearance: seal('审批专用章', 400) }), reviewer, {
      reason: '复核',
    });

    expect(pdfsig(sealed, pki.dir).map((s) => s.valid)).to.deep.equal([true, true]);
    expect(verifyPdfSignatures(sealed)).to.include({ allValid: true, unmodifiedSinceLastSignature: true });
  });

  it('when the PDF is certified with no changes permitted (DocMDP P=1), then signing it again is refused', async () => {
    const rsa = pki.issue('certifier', '/C=CN/O=Shenzhen Contractor Ltd/CN=Certifier', 'rsa');
    const certified = pdfSignedElsewhere(pki, rsa, { certifiedNoChanges: true });
    expect(verifyPdfSignatures(certified).allValid).to.equal(true);
    await signPdf(certified, clerk).then(
      () => expect.fail('signed'),
      (err: Error) => expect(err.message).to.contain('no changes permitted'),
    );
  });

  it('when the seal is drawn, then the widget shows it with a small embedded CJK subset, and without an appearance the signature is invisible', async () => {
    const doc = await PDFDocument.load(signedByAll);
    const fields = doc.catalog
      .lookup(PDFName.of('AcroForm'), PDFDict)
      .lookup(PDFName.of('Fields'), PDFArray)
      .asArray()
      .map((ref) => doc.context.lookup(ref, PDFDict));
    const [clerkWidget, , directorWidget] = fields;
    expect(clerkWidget.lookup(PDFName.of('Rect'), PDFArray).asArray().map(String)).to.deep.equal([
      '400',
      '60',
      '550',
      '230',
    ]);
    expect(clerkWidget.has(PDFName.of('AP'))).to.equal(true);
    expect(doc.getPages()[1].node.Annots()?.size()).to.equal(2); // a seal's default page: the last
    expect(doc.getPages()[0].node.Annots()?.size()).to.equal(1); // an invisible signature's: the first
    expect(directorWidget.lookup(PDFName.of('Rect'), PDFArray).asArray().map(String)).to.deep.equal([
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(directorWidget.has(PDFName.of('AP'))).to.equal(false);
    expect(doc.catalog.lookup(PDFName.of('AcroForm'), PDFDict).get(PDFName.of('SigFlags'))?.toString()).to.equal('3');

    const fontPrograms = doc.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.has(PDFName.of('Length1')));
    expect(fontPrograms).to.have.length(2);
    for (const font of fontPrograms) expect(font.contents.length).to.be.below(16_000);

    // Every glyph of the embedded subset keeps its outline (fontkit's own subsetter loses most of this font's).
    const subset = fontkit.create(zlib.inflateSync(fontPrograms[0].contents));
    const outlines = Array.from({ length: subset.numGlyphs - 1 }, (_, i) => subset.getGlyph(i + 1).path.toSVG());
    expect(outlines).to.have.length.above(15);
    expect(outlines.filter((svg) => svg === '')).to.have.length(1); // the space in 经办人 张三
  });

  it('when a CJK subset font is made for pdf-lib, then each character maps to a glyph with the original outline', () => {
    const text = '罗湖区建设工程审批单：同意施工';
    const subset = fontkit.create(Buffer.from(cjkSubsetFont(text)));
    const original = loadFont(DEFAULT_CJK_FONT_PATH).cmap;
    for (const char of text) {
      const glyph = subset.glyphForCodePoint(char.codePointAt(0)!);
      expect(glyph.id, char).to.not.equal(0);
      expect(glyph.path.toSVG(), char).to.equal(original.glyphForCodePoint(char.codePointAt(0)!).path.toSVG());
    }
    expect(subset.numGlyphs).to.be.within(new Set(text).size + 1, 60); // .notdef, the characters, their composites' parts
  });

  it("when the key vault signs with a key that is not the certificate's, then signing fails", async () => {
    const wrongKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const impostor: PdfSigner = { ...clerk, sign: async (data) => crypto.sign('sha256', data, wrongKey) };
    await signPdf(document, impostor).then(
      () => expect.fail('signed'),
      (err: Error) => expect(err.message).to.contain('does not verify'),
    );
    await signPdf(document, { ...clerk, algorithm: 'RSA-SHA256' }).then(
      () => expect.fail('signed'),
      (err: Error) => expect(err.message).to.contain('ec key'),
    );
  });

  it('when the file is unsigned or not a PDF, then the verifier says so and nothing is valid', () => {
    expect(verifyPdfSignatures(document)).to.deep.include({
      allValid: false,
      signatures: [],
      problems: ['the PDF has no signatures'],
    });
    expect(verifyPdfSignatures(Buffer.from('hello'))).to.deep.include({
      allValid: false,
      problems: ['the file is not a PDF'],
    });
  });
});
