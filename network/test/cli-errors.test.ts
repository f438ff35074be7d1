import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { networkCli } from './support/suite-network';

/** These runs never start a node: each must fail before touching anything, naming the problem. */
describe('network CLI refusals', function () {
  this.timeout(30_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-cli-'));
  // Beside the suite's own ports (base + 1600: 18600 for the default 17000), so two suites on one machine never share one.
  const base = Number(process.env.LUOHU_TEST_BASE_PORT ?? 17000) + 1600;
  const env = { LUOHU_BASE_PORT: String(base), LUOHU_NETWORK_DIR: path.join(dir, 'run') };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a port the network needs is taken, then `up` fails fast naming the port and the node, and starts nothing', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(base + 20, '127.0.0.1', () => r())); // peer0.housing's offset
    try {
      const started = Date.now();
      const result = await networkCli(['up'], env);
      expect(result.code).to.equal(2);
      expect(result.stderr)
        .to.include(`127.0.0.1:${base + 20}`)
        .and.include('peer0.housing')
        .and.include('already in use');
      expect(Date.now() - started).to.be.below(10_000);
      expect(fs.existsSync(path.join(dir, 'run', 'pids'))).to.equal(false);
    } finally {
      squatter.close();
    }
  });

  it('when the topology file is corrupted, then every command fails naming the file and the broken field', async () => {
    const topology = path.join(dir, 'topology.yaml');
    const good = fs.readFileSync(path.join(__dirname, '..', 'topology.yaml'), 'utf8');
    fs.writeFileSync(topology, good.replace('port: 20,', 'port: twenty,'));
    const result = await networkCli(['up'], { ...env, LUOHU_TOPOLOGY: topology });
    expect(result.code).to.equal(2);
    expect(result.stderr)
      .to.include(topology)
      .and.match(/orgs\.1\.peers\.0\.port/);
  });

  it('when the topology file is not YAML at all, then the command says it cannot be read', async () => {
    const topology = path.join(dir, 'broken.yaml');
    fs.writeFileSync(topology, 'orgs: [unclosed\n  - {');
    const result = await networkCli(['status'], { ...env, LUOHU_TOPOLOGY: topology });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`topology file ${topology} cannot be read`);
  });

  it('when two nodes are given the same port, then the topology is refused naming both', async () => {
    const topology = path.join(dir, 'clash.yaml');
    const good = fs.readFileSync(path.join(__dirname, '..', 'topology.yaml'), 'utf8');
    fs.writeFileSync(topology, good.replace('port: 30,', 'port: 20,'));
    const result = await networkCli(['status'], { ...env, LUOHU_TOPOLOGY: topology });
    expect(result.code).to.equal(2);
    expect(result.stderr)
      .to.include('peer0.finance')
      .and.include('peer0.housing')
      .and.include(`127.0.0.1:${base + 20}`);
  });
});
