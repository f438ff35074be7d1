import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { PdfSigner, cjkSubsetFont } from '../../src/documents/pades';

/** A throw-away PKI made with openssl: a P-256 test root CA and the certificates it issues. */
export class TestPki {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pades-test-'));
  readonly caPem: string;

  constructor() {
    this.#openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    this.#openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/C=CN/O=Luohu Test/CN=Luohu Test Root CA',
      '-days',
      '3650',
      '-out',
      'ca.pem',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    fs.writeFileSync(
      this.#file('leaf.cnf'),
      '[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' +
        'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    this.caPem = fs.readFileSync(this.#file('ca.pem'), 'utf8');
  }

  #file(name: string): string {
    return path.join(this.dir, name);
  }

  #openssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  /** A signer certificate issued by the test CA, and a key-vault-like signer that keeps its key. */
  issue(
    name: string,
    subject: string,
    keyType: 'ec' | 'rsa' = 'ec',
  ): { signer: PdfSigner; certificate: string; keyFile: string; certificateFile: string } {
    const keyFile = this.#file(`${name}.key`);
    if (keyType === 'ec') this.#openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile);
    else this.#openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile);
    this.#openssl('req', '-new', '-key', keyFile, '-utf8', '-subj', subject, '-out', `${name}.csr`);
    this.#openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '365',
      '-extfile',
      'leaf.cnf',
      '-extensions',
      'leaf',
      '-out',
      `${name}.pem`,
    );
    const certificate = fs.readFileSync(this.#file(`${name}.pem`), 'utf8');
    const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
    return {
      certificate,
      keyFile,
      certificateFile: this.#file(`${name}.pem`),
      signer: {
        certificateChain: [certificate, this.caPem],
        algorithm: keyType === 'ec' ? 'ECDSA-SHA256' : 'RSA-SHA256',
        sign: async (signedAttributes) => crypto.sign('sha256', signedAttributes, key),
      },
    };
  }

  /** `openssl cms -sign`: a detached CAdES-BES signature over `content` (an independent CMS implementation). */
  opensslCms(content: Buffer, signer: { keyFile: string; certificateFile: string }): Buffer {
    fs.writeFileSync(this.#file('content.bin'), content);
    this.#openssl(
      'cms',
      '-sign',
      '-binary',
      '-cades',
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-in',
      'content.bin',
      '-out',
      'content.p7s',
      '-signer',
      signer.certificateFile,
      '-inkey',
      signer.keyFile,
      '-certfile',
      'ca.pem',
    );
    return fs.readFileSync(this.#file('content.p7s'));
  }

  /** `openssl cms -verify -cades` of a detached CMS: checks the signature, the ESS signing certificate and the chain. */
  opensslVerifies(cms: Buffer, content: Buffer): boolean {
    fs.writeFileSync(this.#file('verify.p7s'), cms);
    fs.writeFileSync(this.#file('verify.bin'), content);
    return (
      spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-cades',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'verify.p7s',
          '-content',
          'verify.bin',
          '-CAfile',
          'ca.pem',
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ],
        { cwd: this.dir },
      ).status === 0
    );
  }

  /** The same document rewritten by poppler's cairo backend: a PDF made by another writer. */
  rewriteWithCairo(pdf: Uint8Array): Buffer {
    fs.writeFileSync(this.#file('cairo-in.pdf'), pdf);
    execFileSync('pdftocairo', ['-pdf', 'cairo-in.pdf', 'cairo-out.pdf'], { cwd: this.dir, stdio: 'pipe' });
    return fs.readFileSync(this.#file('cairo-out.pdf'));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PdfsigSignature {
  field: string;
  valid: boolean;
  totalDocument: boolean;
  validation: string;
}

/** Debian's pdfsig (poppler + NSS), an independent verifier. */
export function pdfsig(pdf: Uint8Array, dir: string): PdfsigSignature[] {
  const file = path.join(dir, `pdfsig-${crypto.randomUUID()}.pdf`);
  fs.writeFileSync(file, pdf);
  const { stdout } = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  fs.rmSync(file);
  return stdout
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => ({
      field: /Signature Field Name: (.*)/.exec(block)?.[1] ?? '',
      valid: /Signature Validation: Signature is Valid\./.test(block),
      totalDocument: /- Total document signed/.test(block),
      validation: /Signature Validation: (.*)/.exec(block)?.[1] ?? '',
    }));
}

/** A two-page works document as the gateway's templates make it: pdf-lib, object streams, embedded Chinese font. */
export async function chineseDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const lines = ['罗湖区建设工程审批单（第一页）', '审批意见：同意施工（第二页）'];
  const font = await doc.embedFont(cjkSubsetFont(lines.join('')), { subset: false });
  for (const line of lines)
    doc.addPage([595, 842]).drawText(line, { x: 60, y: 760, size: 18, font, color: rgb(0, 0, 0) });
  return doc.save({ useObjectStreams: true });
}

/**
 * A one-page PDF written by hand (classic xref table, catalog with a direct AcroForm), signed by openssl as
 * adbe.pkcs7.detached with an RSA key: a signature made by a signer other than ours.
 */
export function pdfSignedElsewhere(
  pki: TestPki,
  signer: { keyFile: string; certificateFile: string },
  options: { certifiedNoChanges?: boolean } = {},
): Buffer {
  const perms = options.certifiedNoChanges ? ' /Perms <</DocMDP 6 0 R>>' : '';
  const reference = options.certifiedNoChanges
    ? ' /Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams <</Type /TransformParams /P 1 /V /1.2>>>>]'
    : '';
  const placeholder = '0'.repeat(16384);
  const page = 'BT /F1 18 Tf 72 760 Td (Luohu works contract 2026-117: acknowledged) Tj ET';
  const objects = [
    `<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [5 0 R] /SigFlags 3>>${perms}>>`,
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [5 0 R] /Resources <</Font <</F1 <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>>>>>>>',
    `<</Length ${page.length}>>\nstream\n${page}\nendstream`,
    '<</Type /Annot /Subtype /Widget /FT /Sig /T (Contractor) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 6 0 R>>',
    `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 0000000000 0000000000 0000000000] /Contents <${placeholder}> /M (D:20261124100000+08'00') /Reason (Contractor acknowledges)${reference}>>`,
  ];
  let text = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((body, i) => {
    const at = text.length;
    text += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = text.length;
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  text += `trailer\n<</Size ${objects.length + 1} /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  const pdf = Buffer.from(text, 'latin1');
  const contentsAt = pdf.indexOf(`<${placeholder}>`);
  const contentsEnd = contentsAt + placeholder.length + 2;
  const range = `0 ${contentsAt} ${contentsEnd} ${pdf.length - contentsEnd}`;
  pdf.write(range.padEnd(34, ' '), pdf.indexOf('0 0000000000 0000000000 0000000000'), 'latin1');
  const cms = pki.opensslCms(Buffer.concat([pdf.subarray(0, contentsAt), pdf.subarray(contentsEnd)]), signer);
  pdf.write(cms.toString('hex'), contentsAt + 1, 'latin1');
  return pdf;
}
