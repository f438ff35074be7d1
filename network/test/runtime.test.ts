import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../src/settings';
import { networkStatus } from './support/suite-network';

/** The Node.js major the project runs on: .nvmrc pins the exact version scripts/node.sh brings. */
const pinnedMajor = Number(
  fs.readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim().replace(/^v/, '').split('.')[0],
);

describe('the runtime', () => {
  it('when the suite runs, then it runs on Node ≥ 24, the LTS major .nvmrc pins (Node 20 ended on 2026-04-30)', () => {
    expect(pinnedMajor).to.be.at.least(24);
    const [major] = process.versions.node.split('.').map(Number);
    expect(major, `running on Node ${process.versions.node}`).to.be.at.least(pinnedMajor);
  });

  it("when the network is up, then its chaincode servers run on the suite's own node binary", async function () {
    if (process.platform !== 'linux') this.skip(); // reads /proc
    const self = fs.realpathSync(process.execPath);
    const servers = (await networkStatus()).nodes.filter((n) => n.kind === 'chaincode' && n.pid);
    expect(servers, 'chaincode servers with a pid').to.not.be.empty;
    for (const s of servers) expect(fs.readlinkSync(`/proc/${s.pid}/exe`), s.id).to.equal(self);
  });
});
