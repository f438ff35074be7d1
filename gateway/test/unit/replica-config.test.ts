import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** A network dir whose connection description names the first FerretDB, with credentials as the network writes them. */
function networkDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-replica-'));
  fs.writeFileSync(path.join(dir, 'db-password'), 'pw-not-a-default\n', { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'connection.json'),
    JSON.stringify({
      orgs: [],
      database: {
        url: 'mongodb://127.0.0.1:7050/luohu',
        backend: 'postgresql',
        user: 'luohu',
        passwordFile: path.join(dir, 'db-password'),
      },
    }),
  );
  return dir;
}

describe('gateway replicas: each reaches the database through its own FerretDB', () => {
  it('when DATABASE_ADDRESS is set, then the replica connects there with the same credentials, database and options', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LUOHU_NETWORK_DIR: networkDir(),
      DATABASE_ADDRESS: '127.0.0.1:7053',
    });
    expect(config.mongoUrl).to.equal('mongodb://luohu:pw-not-a-default@127.0.0.1:7053/luohu?authMechanism=PLAIN');
  });

  it('when DATABASE_ADDRESS is not set, then the replica uses the FerretDB the connection description names', () => {
    const config = loadConfig({ NODE_ENV: 'test', LUOHU_NETWORK_DIR: networkDir() });
    expect(config.mongoUrl).to.equal('mongodb://luohu:pw-not-a-default@127.0.0.1:7050/luohu?authMechanism=PLAIN');
  });

  it('when DATABASE_ADDRESS is not host:port, then start-up stops naming the variable', () => {
    for (const bad of ['127.0.0.1', 'mongodb://x:1', 'user@h:1', 'h:1/db'])
      expect(
        () => loadConfig({ NODE_ENV: 'test', LUOHU_NETWORK_DIR: networkDir(), DATABASE_ADDRESS: bad }),
        bad,
      ).to.throw(ConfigError, /DATABASE_ADDRESS/);
  });
});
