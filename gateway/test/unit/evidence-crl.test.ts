import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRevoked, normaliseSerial, readCrlContents, readRevocationList } from '../../src/shared/crl';
import { readDer } from '../../src/shared/der';

/** A CA (openssl), two leaf certificates, and a CRL revoking the first: what a bureau's MSP carries after a revocation. */
function caWithRevocation() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crl-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  fs.writeFileSync(
    path.join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'crlnumber = $dir/crlnumber',
      'certificate = $dir/ca.pem',
      'private_key = $dir/ca.key',
      'default_md = sha256',
      'default_crl_days = 30',
      '',
    ].join('\n'),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/O=HousingMSP/CN=ca', '-days', '2');
  for (const name of ['revoked', 'kept']) {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/OU=client/CN=${name}`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
    );
  }
  run('ca', '-config', 'ca.cnf', '-revoke', 'revoked.pem');
  run('ca', '-config', 'ca.cnf', '-gencrl', '-out', 'crl.pem');
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  const result = {
    ca: new crypto.X509Certificate(read('ca.pem')),
    revoked: new crypto.X509Certificate(read('revoked.pem')),
    kept: new crypto.X509Certificate(read('kept.pem')),
    crl: read('crl.pem'),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

describe('evidence: revocation lists in the channel config (no network)', function () {
  this.timeout(30_000);
  const { ca, revoked, kept, crl } = caWithRevocation();

  it("when a CRL signed by the MSP's CA lists a certificate, then that certificate counts as revoked and the other does not", () => {
    const list = readRevocationList(crl, [ca]);
    expect(isRevoked(revoked, [list])).to.equal(true);
    expect(isRevoked(kept, [list])).to.equal(false);
  });

  it("when a CRL is read without a signature check, then it names its CA (the subject's DER) and lists the revoked serial, PEM or DER", () => {
    const caTbs = readDer(ca.raw).children[0];
    const caSubject = ca.raw.subarray(caTbs.children[5].start, caTbs.children[5].end).toString('hex'); // version, serial, algorithm, issuer, validity, subject
    const der = Buffer.from(
      crl
        .toString('latin1')
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    for (const bytes of [crl, der]) {
      const contents = readCrlContents(bytes);
      expect(contents.issuer).to.equal(caSubject);
      expect([...contents.serials]).to.deep.equal([normaliseSerial(revoked.serialNumber)]);
    }
  });

  it('when the CRL is not signed by a CA of the MSP, then it is refused', () => {
    const other = new crypto.X509Certificate(
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          '/dev/null',
          '-subj',
          '/CN=other',
          '-days',
          '1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    expect(() => readRevocationList(crl, [other])).to.throw(/not signed by any CA/);
  });
});
