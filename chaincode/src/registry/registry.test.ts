import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { RegistryContract } from './registry-contract';
import { expectRejected } from '../testing/assert';
import { validCreditCode } from '../testing/scenario';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter, isValidCreditCode } from './credit-code';

const registry = new RegistryContract();
const contractorJson = JSON.stringify({ id: 'C001', name: '深圳某建设集团', creditCode: '91350100M000100Y43' });
const qualificationJson = JSON.stringify({
  licenceNo: 'D144000001',
  grade: 'grade2',
  scope: ['building', 'road'],
  expiry: '2027-12-31',
});

describe('registry contract', () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });

  describe('whoAmI', () => {
    it('when called by a clerk, then it returns MSP, id, role and dept', async () => {
      const me = JSON.parse(await world.evaluate(people.housingClerk, (ctx) => registry.whoAmI(ctx)));
      expect(me).to.deep.equal({ mspId: 'HousingMSP', id: me.id, role: 'clerk', dept: 'housing' });
      expect(me.id).to.match(/^x509::.*CN=clerk-li/);
    });
    it('when the identity has no role or dept attribute, then both are null', async () => {
      const me = JSON.parse(await world.evaluate(people.noRole, (ctx) => registry.whoAmI(ctx)));
      expect(me.role).to.equal(null);
      expect(me.dept).to.equal(null);
    });
    it('when the caller is not from a bureau MSP, then it is refused', async () => {
      await expectRejected(
        world.evaluate(people.outsider, (ctx) => registry.whoAmI(ctx)),
        /access denied: registry.whoAmI/,
      );
    });
  });

  describe('contractors and qualifications', () => {
    it('when the housing admin registers a contractor, then it is stored and announced', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson));
      expect(world.read('contractor', 'C001')).to.include({ id: 'C001', name: '深圳某建设集团' });
      expect(world.lastEvent.name).to.equal('registry.contractor_registered');
    });
    it('when a finance admin registers a contractor, then it is refused for wrong MSP', async () => {
      await expectRejected(
        world.submit(people.financeAdmin, (ctx) => registry.registerContractor(ctx, contractorJson)),
        /access denied.*FinanceMSP/,
      );
      expect(world.read('contractor', 'C001')).to.equal(undefined);
    });
    it('when a clerk registers a contractor, then it is refused for wrong role', async () => {
      await expectRejected(
        world.submit(people.housingClerk, (ctx) => registry.registerContractor(ctx, contractorJson)),
        /access denied.*role clerk/,
      );
    });
    it('when the same contractor is registered twice, then the second is refused', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson));
      await expectRejected(
        world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson)),
        /contractor C001 already exists/,
      );
    });
    it('when the contractor JSON carries an unknown field, then it is refused naming the field', async () => {
      const bad = JSON.stringify({
        id: 'C002',
        name: 'x',
        creditCode: validCreditCode('C002'),
        legalPersonPhone: '13800000000',
      });
      await expectRejected(
        world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, bad)),
        /unknown field\(s\): legalPersonPhone/,
      );
    });
    it('when a qualification is added and then revoked, then the contractor record shows both steps', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson));
      await world.submit(people.housingAdmin, (ctx) => registry.addQualification(ctx, 'C001', qualificationJson));
      expect(world.read('contractor', 'C001').qualifications[0]).to.include({
        licenceNo: 'D144000001',
        status: 'valid',
      });
      await world.submit(people.housingAdmin, (ctx) =>
        registry.revokeQualification(ctx, 'C001', 'D144000001', '年检不合格'),
      );
      expect(world.read('contractor', 'C001').qualifications[0]).to.include({
        status: 'revoked',
        revokedReason: '年检不合格',
      });
      expect(world.lastEvent.name).to.equal('registry.qualification_revoked');
      await expectRejected(
        world.submit(people.housingAdmin, (ctx) => registry.revokeQualification(ctx, 'C001', 'D144000001', 'again')),
        /already revoked/,
      );
    });
    it('when a qualification has an unknown grade, then it is refused naming the field', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson));
      const bad = JSON.stringify({ licenceNo: 'D1', grade: 'grade9', scope: ['road'], expiry: '2027-01-01' });
      await expectRejected(
        world.submit(people.housingAdmin, (ctx) => registry.addQualification(ctx, 'C001', bad)),
        /qualification.grade must be one of/,
      );
    });
    it('when reading a contractor that does not exist, then the error says so', async () => {
      await expectRejected(
        world.evaluate(people.auditor, (ctx) => registry.readContractor(ctx, 'C404')),
        /contractor C404 does not exist/,
      );
    });
    it('when listing contractors with page size 1, then the bookmark leads to the next page', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerContractor(ctx, contractorJson));
      await world.submit(people.housingAdmin, (ctx) =>
        registry.registerContractor(
          ctx,
          JSON.stringify({ id: 'C002', name: '深圳某市政公司', creditCode: validCreditCode('C002') }),
        ),
      );
      const first = JSON.parse(await world.evaluate(people.auditor, (ctx) => registry.listContractors(ctx, '1', '')));
      expect(first.records.map((c: { id: string }) => c.id)).to.deep.equal(['C001']);
      const second = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => registry.listContractors(ctx, '1', first.bookmark)),
      );
      expect(second.records.map((c: { id: string }) => c.id)).to.deep.equal(['C002']);
      expect(second.bookmark).to.equal('');
    });
  });

  describe('统一社会信用代码 (finding 15)', () => {
    const register = (id: string, creditCode: string) =>
      world.submit(people.housingAdmin, (ctx) =>
        registry.registerContractor(ctx, JSON.stringify({ id, name: `公司 ${id}`, creditCode })),
      );
    it('when codes are published ones or made valid by the GB 32100-2015 check, then they pass the check', () => {
      for (const code of ['91350100M000100Y43', '91440300708461136T', validCreditCode('a'), validCreditCode('b')]) {
        expect(isValidCreditCode(code), code).to.equal(true);
      }
      expect(creditCodeCheckCharacter('91350100M000100Y4')).to.equal('3');
    });
    it('when the check character is wrong, a letter is outside the alphabet or the length is not 18, then the code fails', () => {
      const wrong = `91350100M000100Y4${CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf('3') + 1) % 31]}`;
      for (const code of [
        wrong,
        '91350100M000100I43',
        '91350100M000100Y4',
        '91350100M000100Y433',
        '91350100m000100y43',
      ]) {
        expect(isValidCreditCode(code), code).to.equal(false);
      }
    });
    it('when a contractor is registered with a bad check character, then it is refused as invalid and nothing is written', async () => {
      await expectRejected(
        register('C003', '91350100M000100Y44'),
        /^contractor.creditCode must be an 18-character unified social credit code with a valid check character/,
      );
      expect(world.read('contractor', 'C003')).to.equal(undefined);
    });
    it('when a second contractor is registered with the same credit code, then it is refused as a duplicate', async () => {
      await register('C001', '91350100M000100Y43');
      await expectRejected(
        register('C002', '91350100M000100Y43'),
        /^unified social credit code 91350100M000100Y43 is already registered/,
      );
      expect(world.read('contractor', 'C002')).to.equal(undefined);
    });
  });

  describe('seal certificates', () => {
    const seal = (holderMsp: string) =>
      JSON.stringify({
        fingerprint: HEX('a'),
        holderMsp,
        holderId: 'x509::/CN=clerk-li',
        label: '住建局 李 电子印章',
        validUntil: '2027-06-30',
      });
    it('when a bureau admin registers a seal certificate of its own bureau, then it is bound to the holder', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerSealCertificate(ctx, seal('HousingMSP')));
      expect(world.read('sealCertificate', HEX('a'))).to.include({ holderMsp: 'HousingMSP', status: 'active' });
      const page = JSON.parse(
        await world.evaluate(people.auditor, (ctx) =>
          registry.listSealCertificatesByHolder(ctx, 'HousingMSP', 'x509::/CN=clerk-li', '10', ''),
        ),
      );
      expect(page.records).to.have.length(1);
    });
    it('when an admin registers a certificate for another bureau, then it is refused', async () => {
      await expectRejected(
        world.submit(people.financeAdmin, (ctx) => registry.registerSealCertificate(ctx, seal('HousingMSP'))),
        /may only register certificates of FinanceMSP/,
      );
    });
    it('when a seal certificate is revoked, then the revocation and reason are recorded and a second revocation refused', async () => {
      await world.submit(people.housingAdmin, (ctx) => registry.registerSealCertificate(ctx, seal('HousingMSP')));
      await expectRejected(
        world.submit(people.financeAdmin, (ctx) => registry.revokeSealCertificate(ctx, HEX('a'), 'lost')),
        /only its own bureau's admin/,
      );
      await world.submit(people.housingAdmin, (ctx) => registry.revokeSealCertificate(ctx, HEX('a'), '印章遗失'));
      expect(world.read('sealCertificate', HEX('a'))).to.include({ status: 'revoked', revokedReason: '印章遗失' });
      await expectRejected(
        world.submit(people.housingAdmin, (ctx) => registry.revokeSealCertificate(ctx, HEX('a'), 'x')),
        /already revoked/,
      );
    });
  });
});
