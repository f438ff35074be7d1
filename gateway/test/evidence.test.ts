import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { headerDer, splitHeaders } from '../src/evidence/fabric';
import type { EvidenceBundle, Checkpoint } from '../src/evidence/format';
import { EvidenceVerifier, Report, StepId } from '../src/evidence/verify';
import {
  ADMIN_PASSWORD,
  api,
  bearer,
  gatewayUnderTest,
  login,
  newUser,
  randomHash,
  TestGateway,
  uniqueId,
} from './support/gateway';
import { ledgerSetup, LedgerSetup } from './support/ledger-setup';
import { approvedProject, committed, contractBody, FundsCast, fundsCast } from './funds-fixtures';
import { clone, dropHeader, editBlock, editEndorsements, flipByte, mspOf, swapEndorsement } from './evidence-forgery';

const CLI = path.resolve(__dirname, '..', 'src', 'evidence', 'cli.ts');
const TSX = require.resolve('tsx/cli');

/** `unshare -rn` puts the child in a network namespace of its own, with only a loopback that is down: no network at all. */
const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;

/** Runs the CLI as an auditor would: a fresh process with no gateway, network or database settings, offline when the host allows. */
function runCli(args: string[]) {
  const command = isolated ? 'unshare' : process.execPath;
  const argv = isolated ? ['-rn', process.execPath, TSX, CLI, ...args] : [TSX, CLI, ...args];
  const r = spawnSync(command, argv, {
    env: { PATH: process.env.PATH!, HOME: os.tmpdir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('evidence bundles: the auditor trusts no server', function () {
  this.timeout(240_000);
  let g: TestGateway;
  let setup: LedgerSetup;
  let cast: FundsCast;
  let payoutId: string;
  let payout: EvidenceBundle;
  let firstCheckpoint: Checkpoint;
  let projectId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
  const write = (name: string, value: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(value));
    return f;
  };
  // A fresh verifier per check: its caches hold facts proven by earlier bundles, which would let a forged chain pass on them.
  const verifier = { verify: (b: EvidenceBundle, cp?: Checkpoint) => new EvidenceVerifier().verify(b, cp) };
  const failsAt = (report: Report, step: StepId, message: RegExp) => {
    const failed = report.steps.find((s) => s.status === 'failed');
    expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(false);
    expect(report.failedStep, failed?.details.join('\n')).to.equal(step);
    expect(failed!.details.join('\n')).to.match(message);
  };
  const get = (p: string) => api(g).get(`/v1${p}`).set(bearer(cast.auditor));

  before(async () => {
    g = await gatewayUnderTest();
    setup = await ledgerSetup();
    cast = await fundsCast(g);
    firstCheckpoint = (await api(g).post('/v1/evidence/checkpoints').set(bearer(cast.auditor)).expect(201)).body;
    const approved = await approvedProject(g, cast, setup);
    projectId = approved.projectId;
    const contractorId = approved.contractorId;
    const contract = contractBody(projectId, contractorId, [{ id: 'M1', amount: 20_000_000 }]);
    const post = (p: string, who: FundsCast[keyof FundsCast], body?: object) =>
      api(g)
        .post(`/v1${p}`)
        .set(bearer(who))
        .send(body ?? {});
    await committed(g, post('/contracts', cast.clerk, contract));
    await committed(g, post(`/contracts/${contract.id}/milestones/M1/acceptance`, cast.inspector));
    payoutId = uniqueId('PAY');
    await committed(
      g,
      post('/payouts', cast.finance, { id: payoutId, contractId: contract.id, milestoneId: 'M1', amount: 15_000_000 }),
    );
    await committed(g, post(`/payouts/${payoutId}/approval`, cast.director));
    const res = await get(`/evidence/payout/${payoutId}`).expect(200);
    expect(res.headers['content-disposition']).to.match(/attachment/);
    payout = res.body;
  });
  after(async () => {
    await setup?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when an auditor exports an approved payout, then the bundle carries the payout, the transaction that set its policy and the milestone acceptance, and every step holds', () => {
    expect(payout.records.map((r) => [r.role, r.recordType])).to.deep.equal([
      ['subject', 'payout'],
      ['key-endorsement-policy', 'payout'],
      ['milestone-acceptance', 'milestone'],
    ]);
    const report = verifier.verify(payout, firstCheckpoint);
    expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
    const step = (id: StepId) => report.steps.find((s) => s.step === id)!.details.join('\n');
    expect(step('c')).to.match(
      /key-level policy 2-of\((FinanceMSP\.peer, HousingMSP\.peer|HousingMSP\.peer, FinanceMSP\.peer)\)/,
    );
    expect(step('e')).to.match(/signed by OrdererMSP/);
    // Who held each creator's key, from its certificate: the inspector, finance officer and director hold their own.
    expect(step('d')).to.match(/created by HousingMSP "inspector-[^"]+" \(key held by its holder: custody=own\)/);
    expect(step('d')).not.to.match(/custody=gateway|key holder not stated/);
    expect(report.anchor).to.match(new RegExp(`your checkpoint, block ${firstCheckpoint.blockNumber}`));
  });

  it('when the CLI verifies the bundle in a separate offline process with only the files, then it prints each step and exits 0', () => {
    const r = runCli([write('payout.json', payout), '--checkpoint', write('cp1.json', firstCheckpoint)]);
    expect(r.status, r.out).to.equal(0);
    for (const s of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)']) expect(r.out).to.contain(`[PASS] ${s}`);
    expect(r.out).to.contain('VERIFIED');
    if (isolated) expect(r.out).not.to.match(/ECONNREFUSED|ENETUNREACH/);
  });

  it("when a project's approval decision is exported, then it verifies under the chaincode's MAJORITY policy; an older version by its txId", async () => {
    const bundle: EvidenceBundle = (await get(`/evidence/project/${projectId}`).expect(200)).body;
    const decided = JSON.parse(Buffer.from(bundle.records[0].value, 'base64').toString('utf8'));
    expect(decided.status).to.equal('approved');
    const report = verifier.verify(bundle);
    expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
    expect(report.steps[2].details.join('\n')).to.match(
      /chaincode policy \/Channel\/Application\/Endorsement satisfied/,
    );
    const history = (await get(`/records/project/${projectId}/history`).expect(200)).body as {
      changes: { transactionId: string }[];
    };
    const first = history.changes[history.changes.length - 1].transactionId;
    const older: EvidenceBundle = (await get(`/evidence/project/${projectId}?txId=${first}`).expect(200)).body;
    expect(older.records[0].txId).to.equal(first);
    expect(verifier.verify(older).ok).to.equal(true);
  });

  it('when the verifier is loaded, then no module that can connect anywhere comes with it', () => {
    const probe = `require(${JSON.stringify(CLI)}); const loaded = Object.keys(require.cache).filter((f) => /node_modules/.test(f) && !/node_modules\\/(tsx|get-tsconfig|resolve-pkg-maps|esbuild)\\//.test(f)).map((f) => f.split('node_modules/').pop().split('/').slice(0, 2).join('/')); console.log(JSON.stringify([...new Set(loaded.map((p) => p.startsWith('@') ? p : p.split('/')[0]))]));`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', probe], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH! },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout.trim()).sort()).to.deep.equal(['@hyperledger/fabric-protos', 'google-protobuf']);
  });

  describe('forgeries are rejected at the step that fails', () => {
    const subjectTx = () => payout.records[0].txId;

    it('when a byte of the record is changed, then (a) fails', () => {
      const forged = clone(payout);
      // One digit of the amount: still JSON, a different claim.
      forged.records[0].value = Buffer.from(
        Buffer.from(forged.records[0].value, 'base64')
          .toString('utf8')
          .replace('"amount":15000000', '"amount":16000000'),
      ).toString('base64');
      failsAt(verifier.verify(forged), 'a', /bytes differ from the value transaction/);
    });

    it('when the Finance endorsement is swapped for one signed under a self-made CA, then (b) fails', () => {
      failsAt(
        verifier.verify(swapEndorsement(payout, subjectTx(), 'FinanceMSP')),
        'b',
        /does not chain to a root CA of FinanceMSP/,
      );
    });

    it('when the payout approval carries only the Housing endorsement, then (c) fails on the key-level policy', () => {
      const forged = editEndorsements(payout, subjectTx(), (list) => list.filter((e) => mspOf(e) !== 'FinanceMSP'));
      failsAt(verifier.verify(forged), 'c', /key-level policy .* is not satisfied/);
    });

    it('when the transaction that set the key-level policy is left out, then (c) fails', () => {
      const forged = clone(payout);
      const policyTx = forged.records.find((r) => r.role === 'key-endorsement-policy')!.txId;
      forged.records = forged.records.filter((r) => r.role !== 'key-endorsement-policy');
      forged.transactions = forged.transactions.filter((t) => t.txId !== policyTx);
      failsAt(verifier.verify(forged), 'c', /lacks the transaction that set its key-level endorsement policy/);
    });

    it('when the transaction is marked invalid in TRANSACTIONS_FILTER, then (d) fails', () => {
      const forged = editBlock(payout, subjectTx(), (block, i) => {
        const md = block.getMetadata()!.getMetadataList_asU8();
        const filter = Uint8Array.from(md[2]);
        filter[i] = 11; // MVCC_READ_CONFLICT
        md[2] = filter;
        block.getMetadata()!.setMetadataList(md);
      });
      failsAt(verifier.verify(forged), 'd', /marked invalid \(code 11\)/);
    });

    it('when the block header data hash is changed, then (d) fails', () => {
      const forged = editBlock(payout, subjectTx(), (block) =>
        block.getHeader()!.setDataHash(flipByte(block.getHeader()!.getDataHash_asU8(), 0)),
      );
      failsAt(verifier.verify(forged), 'd', /data hash .* does not match/);
    });

    it("when a byte of the orderer's block signature is changed, then (e) fails", () => {
      const forged = editBlock(payout, subjectTx(), (block) => {
        const md = block.getMetadata()!.getMetadataList_asU8();
        const sigs = common.Metadata.deserializeBinary(md[0]);
        const list = sigs.getSignaturesList();
        list.forEach((s) => s.setSignature(flipByte(s.getSignature_asU8(), 8)));
        sigs.setSignaturesList(list);
        md[0] = sigs.serializeBinary();
        block.getMetadata()!.setMetadataList(md);
      });
      failsAt(verifier.verify(forged), 'e', /orderer signatures do not satisfy \/Channel\/Orderer\/BlockValidation/);
    });

    it('when a header is removed from the chain, then (f) fails', () => {
      failsAt(verifier.verify(dropHeader(payout)), 'f', /header chain gap/);
    });

    it('when a forged bundle is given to the CLI, then it exits 1 and names the failed step', () => {
      const r = runCli([
        write(
          'forged.json',
          editEndorsements(payout, subjectTx(), (list) => list.filter((e) => mspOf(e) !== 'FinanceMSP')),
        ),
      ]);
      expect(r.status, r.out).to.equal(1);
      expect(r.out).to.match(/\[FAIL\] \(c\)/);
      expect(r.out).to.contain('REJECTED at step (c)');
    });
  });

  describe('a signed document with its file', () => {
    const file = Buffer.concat([
      Buffer.from('%PDF-1.7\n% 竣工验收报告\n'),
      crypto.randomBytes(2048),
      Buffer.from('\n%%EOF\n'),
    ]);
    const sha = crypto.createHash('sha256').update(file).digest('hex');
    let bundle: EvidenceBundle;

    before(async () => {
      const admin = await newUser(g, 'admin');
      const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const fingerprint = crypto
        .createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex');
      await committed(
        g,
        api(g)
          .post('/v1/seal-certificates')
          .set(bearer(admin))
          .send({
            holder: cast.clerk.username,
            publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
            label: '经办人电子签章',
            validUntil: '2030-12-31',
          }),
      );
      await api(g)
        .post('/v1/uploads')
        .set(bearer(cast.clerk))
        .attach('file', file, { filename: '验收报告.pdf', contentType: 'application/pdf' })
        .expect(201);
      await committed(
        g,
        api(g)
          .post('/v1/documents')
          .set(bearer(cast.clerk))
          .send({
            sha256: sha,
            documentType: 'acceptance_report',
            projectId,
            title: '竣工验收报告',
            sealFingerprint: fingerprint,
            signature: crypto.sign('sha256', file, privateKey).toString('base64'),
            signatureAlgorithm: 'ECDSA-SHA256',
          }),
      );
      bundle = (await get(`/evidence/document/${sha}`).expect(200)).body;
    });

    it('when a document is exported, then the bundle carries the file and its hash is the anchored one', () => {
      expect(Buffer.from(bundle.file!.content, 'base64').equals(file)).to.equal(true);
      const report = verifier.verify(bundle);
      expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
      expect(report.steps[0].details.join('\n')).to.contain(
        `SHA-256 ${sha} = file.sha256 = the document record's sha256`,
      );
    });

    it('when a byte of the file is changed, then (a) fails', () => {
      const forged = clone(bundle);
      forged.file!.content = Buffer.from(flipByte(file, 100)).toString('base64');
      failsAt(verifier.verify(forged), 'a', /differs from the anchored/);
    });

    it("when the bundle's file.sha256 is edited, then (a) fails and the CLI exits 1", () => {
      const forged = clone(bundle);
      forged.file!.sha256 = 'f'.repeat(64);
      failsAt(verifier.verify(forged), 'a', /file\.sha256 f{64} is not the SHA-256 of its content/);
      const r = runCli([write('forged-sha.json', forged)]);
      expect(r.status, r.out).to.equal(1);
      expect(r.out).to.contain('REJECTED at step (a)');
    });

    it("when the bundle's file.filename or file.contentType is edited, then the verifier labels each unverified (not on the ledger), never verified", () => {
      const forged = clone(bundle);
      forged.file!.filename = '伪造的批复.pdf';
      forged.file!.contentType = 'text/html';
      const report = verifier.verify(forged);
      expect(report.ok).to.equal(true); // the file's bytes are still the anchored ones
      expect(report.unverified).to.deep.equal([
        'file.filename "伪造的批复.pdf": unverified (not on the ledger)',
        'file.contentType "text/html": unverified (not on the ledger)',
      ]);
      expect(report.steps.flatMap((s) => s.details).join('\n')).not.to.match(/伪造的批复|text\/html/);
      const r = runCli([write('forged-name.json', forged)]);
      const mentions = r.out.split('\n').filter((l) => /伪造的批复|text\/html/.test(l));
      expect(mentions).to.deep.equal([
        '[????] file.filename "伪造的批复.pdf": unverified (not on the ledger)',
        '[????] file.contentType "text/html": unverified (not on the ledger)',
      ]);
    });
  });

  describe('Merkle batches', () => {
    const items = Array.from({ length: 1000 }, () => randomHash());
    const batchId = uniqueId('B');

    before(async () => {
      const res = await api(g)
        .post('/v1/batch-anchors/items')
        .set(bearer(cast.inspector))
        .send({ batchId, kind: 'photos', items })
        .expect(201);
      expect(res.body.result).to.include({ batchId, itemCount: 1000 });
    });

    it("when an item's bundle is exported, then its inclusion proof leads to the anchored root and every step holds", async () => {
      const bundle: EvidenceBundle = (await get(`/evidence/batch-items/${batchId}/737`).expect(200)).body;
      expect(bundle.batchItem).to.include({ itemSha256: items[737], leafIndex: 737, treeSize: 1000 });
      const report = verifier.verify(bundle);
      expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
      expect(report.steps[0].details.join('\n')).to.match(/leaf 737 of 1000/);
      const proof = (await get(`/batch-anchors/${batchId}/items/737`).expect(200)).body;
      expect(proof.auditPath).to.deep.equal(bundle.batchItem!.auditPath);
    });

    it('when the item is swapped for another hash, or moved to another leaf, then (a) fails', async () => {
      const bundle: EvidenceBundle = (await get(`/evidence/batch-items/${batchId}/5`).expect(200)).body;
      const wrongItem = clone(bundle);
      wrongItem.batchItem!.itemSha256 = crypto.randomBytes(32).toString('hex');
      failsAt(verifier.verify(wrongItem), 'a', /does not hash to the anchored Merkle root/);
      const wrongLeaf = clone(bundle);
      wrongLeaf.batchItem!.leafIndex = 4;
      failsAt(verifier.verify(wrongLeaf), 'a', /does not hash to the anchored Merkle root/);
    });

    it('when the same batch ID is sent with other items, then 409; an item outside the batch is 404', async () => {
      await api(g)
        .post('/v1/batch-anchors/items')
        .set(bearer(cast.inspector))
        .send({ batchId, kind: 'photos', items: [randomHash()] })
        .expect(409);
      await get(`/evidence/batch-items/${batchId}/1000`).expect(404);
    });
  });

  describe('after a configuration update (a revocation publishes a CRL into the channel config)', () => {
    let leaverBatch: string;
    let afterUpdate: Checkpoint;
    const anchorItems = async (who: { token: string }) => {
      const batchId = uniqueId('B');
      await committed(
        g,
        api(g)
          .post('/v1/batch-anchors/items')
          .set(bearer(who as never))
          .send({ batchId, kind: 'inspection', items: [randomHash(), randomHash(), randomHash()] }),
      );
      return batchId;
    };

    before(async () => {
      const leaver = await newUser(g, 'inspector');
      leaverBatch = await anchorItems(leaver);
      const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
      const res = await api(g)
        .post(`/v1/users/${leaver.username}/revocation`)
        .set('authorization', `Bearer ${admin}`)
        .send({ reason: 'left the bureau' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      afterUpdate = (await api(g).post('/v1/evidence/checkpoints').set(bearer(cast.auditor)).expect(201)).body;
      expect(Number(afterUpdate.chain.from), 'the checkpoint is under a newer config block').to.be.greaterThan(0);
    });

    it('when a transaction from before the update is linked to a checkpoint after it, then the bundle carries its own config block and chain, and verifies', async () => {
      const bundle: EvidenceBundle = (
        await get(`/evidence/batch-items/${leaverBatch}/1?checkpoint=${afterUpdate.blockNumber}`).expect(200)
      ).body;
      expect(bundle.configBlock, 'the config in force at the transaction').to.be.a('string');
      expect(bundle.chain, 'headers from that config block').to.be.an('object');
      const report = verifier.verify(bundle, afterUpdate);
      expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
    });

    it('when a transaction after the update is exported, then it verifies under the config that carries the CRL', async () => {
      const bundle: EvidenceBundle = (
        await get(`/evidence/batch-items/${await anchorItems(cast.inspector)}/0`).expect(200)
      ).body;
      const report = verifier.verify(bundle);
      expect(report.ok, JSON.stringify(report.steps, null, 1)).to.equal(true);
      expect(report.steps[4].details.join('\n')).to.match(/its config is block [1-9]/);
    });

    it("when the revoked user's transaction is checked against the config that revokes them, then (d) fails on the CRL", async () => {
      const bundle: EvidenceBundle = (
        await get(`/evidence/batch-items/${leaverBatch}/1?checkpoint=${afterUpdate.blockNumber}`).expect(200)
      ).body;
      const forged = clone(bundle);
      forged.configBlock = afterUpdate.configBlock;
      failsAt(verifier.verify(forged), 'd', /is revoked by a CRL of HousingMSP/);
    });
  });

  describe('checkpoints', () => {
    it('when a second checkpoint is taken, then the CLI proves by hash links that no block up to the first was rewritten', async () => {
      // The config changed since the first checkpoint (a revocation above): the chain is asked to reach back to it.
      const second: Checkpoint = (
        await api(g)
          .post('/v1/evidence/checkpoints')
          .set(bearer(cast.auditor))
          .send({ since: Number(firstCheckpoint.blockNumber) })
          .expect(201)
      ).body;
      expect(Number(second.blockNumber)).to.be.greaterThan(Number(firstCheckpoint.blockNumber));
      expect((await get('/evidence/checkpoints/latest').expect(200)).body.blockNumber).to.equal(second.blockNumber);
      const ok = runCli(['--consistency', write('old.json', firstCheckpoint), write('new.json', second)]);
      expect(ok.status, ok.out).to.equal(0);
      expect(ok.out).to.contain('CONSISTENT');
      // A rewritten history: the old checkpoint's header no longer matches the new chain (a changed data hash in block N).
      const headers = splitHeaders(Buffer.from(firstCheckpoint.chain.headers, 'base64'));
      const last = headers[headers.length - 1].fields;
      const rewritten = clone(firstCheckpoint as unknown as EvidenceBundle) as unknown as Checkpoint;
      rewritten.chain.headers = Buffer.concat([
        ...headers.slice(0, -1).map((h) => h.der),
        headerDer({ ...last, dataHash: Buffer.alloc(32, 7) }),
      ]).toString('base64');
      const bad = runCli(['--consistency', write('rewritten.json', rewritten), write('new2.json', second)]);
      expect(bad.status, bad.out).to.equal(1);
      expect(bad.out).to.contain('INCONSISTENT');
    });

    it("when a bundle is checked against a checkpoint of another chain's making, then (f) fails", () => {
      const foreign = clone(firstCheckpoint as unknown as EvidenceBundle) as unknown as Checkpoint;
      const sigs = Buffer.from(foreign.signatures, 'base64');
      foreign.signatures = Buffer.from(flipByte(sigs, sigs.length - 5)).toString('base64');
      failsAt(verifier.verify(payout, foreign), 'f', /orderer signatures do not satisfy|not a checkpoint|malformed/);
    });
  });

  it('when a contractor asks for evidence, then 403; an unknown record is 404; a bad txId is 400', async () => {
    await api(g).get(`/v1/evidence/payout/${payoutId}`).set(bearer(cast.contractor)).expect(403);
    await get(`/evidence/payout/${uniqueId('PAY')}`).expect(404);
    await get(`/evidence/payout/${payoutId}?txId=xyz`).expect(400);
  });
});
