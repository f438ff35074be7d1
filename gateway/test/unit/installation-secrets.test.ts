import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { InstallationSecrets } from '../../src/platform/installation-secrets';

/** A network dir with just enough of a connection description for the configuration to load. */
function networkDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-secrets-'));
  fs.writeFileSync(
    path.join(dir, 'connection.json'),
    JSON.stringify({ orgs: [], database: { url: 'mongodb://127.0.0.1:1/x' } }),
  );
  return dir;
}

describe('installation secrets: no password or key has a default in the source', () => {
  it('when no admin password is configured, then one is generated at first start, kept 0600, and the same on the next start', () => {
    const dir = networkDir();
    const first = loadConfig({ NODE_ENV: 'development', LUOHU_NETWORK_DIR: dir }).adminPassword;
    expect(first).to.have.length.of.at.least(20);
    expect(first).to.not.equal('luohu-admin-dev-only');
    const file = path.join(dir, 'secrets', 'admin-password');
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    expect(loadConfig({ NODE_ENV: 'development', LUOHU_NETWORK_DIR: dir }).adminPassword).to.equal(first);
    expect(
      loadConfig({ NODE_ENV: 'development', LUOHU_NETWORK_DIR: networkDir() }).adminPassword,
      'another installation',
    ).to.not.equal(first);
  });

  it('when the password this project once shipped in its source is configured outside tests, then start-up refuses it', () => {
    for (const env of ['development', 'production']) {
      expect(() =>
        loadConfig({
          NODE_ENV: env,
          LUOHU_NETWORK_DIR: networkDir(),
          LUOHU_ADMIN_PASSWORD: 'luohu-admin-dev-only',
          PUBLIC_URL: 'https://x.example',
          KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        }),
      ).to.throw(ConfigError, /once published/);
    }
    expect(
      loadConfig({ NODE_ENV: 'test', LUOHU_NETWORK_DIR: networkDir(), LUOHU_ADMIN_PASSWORD: 'luohu-admin-dev-only' })
        .adminPassword,
    ).to.equal('luohu-admin-dev-only');
  });

  it('when a kept secret is readable by others, then it is refused rather than used', () => {
    const dir = networkDir();
    const secrets = new InstallationSecrets(dir);
    secrets.get('session-key');
    fs.chmodSync(path.join(dir, 'secrets', 'session-key'), 0o644);
    expect(() => secrets.get('session-key')).to.throw(/readable by others/);
  });

  it('when a secret is kept in a network dir that does not exist yet, then only the secrets folder is private (the database runs as another user)', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-secrets-'));
    const dir = path.join(parent, 'run', 'test');
    new InstallationSecrets(dir).get('session-key');
    expect(fs.statSync(path.join(parent, 'run')).mode & 0o777, 'the run dir').to.not.equal(0o700);
    expect(fs.statSync(dir).mode & 0o777, 'the network dir').to.not.equal(0o700);
    expect(fs.statSync(path.join(dir, 'secrets')).mode & 0o777).to.equal(0o700);
  });

  it('when the demo data is read, then it carries no password (the demo people enroll keys of their own)', () => {
    const demo = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'demo-users.json'), 'utf8'),
    );
    expect(demo).to.not.have.property('password');
    expect(JSON.stringify(demo)).to.not.match(/luohu-demo-2026/);
  });
});
