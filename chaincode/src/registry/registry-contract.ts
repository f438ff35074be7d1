/** Contract `registry`: contractors, qualifications, seal certificates, and the caller's own identity. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, authorize, callerOf } from '../shared/access';
import { emit, pageByIndex, pageRecords, putIndex, putRecord, recordExists, recordKey, txTime } from '../shared/ledger';
import { CUSTODY_VOTE, CustodyVote, readCustodySetting, votePolicy } from '../shared/custody';
import { canonicalJson } from '../shared/serialise';
import { requireHex64, requireId, requireText } from '../shared/validate';
import {
  CONTRACTOR,
  CONTRACTOR_BY_CREDIT_CODE,
  Contractor,
  SEAL,
  SEAL_BY_HOLDER,
  SealCertificate,
  loadContractor,
  loadSealCertificate,
  parseContractor,
  parseQualification,
  parseSealCertificate,
} from './registry';
import { refuse } from '../shared/refusal';

/**
 * The `registry` namespace's transactions: register contractors and their qualifications, seal certificates, and
 * whoami.
 */
@Info({ title: 'registry', description: 'Contractors, qualifications and seal certificates' })
export class RegistryContract extends Contract {
  constructor() {
    super('registry');
  }

  /** The calling identity as the chaincode sees it: MSP, X.509 id, and the role/dept CA attributes. */
  @Transaction(false)
  @Returns('string')
  async whoAmI(ctx: Context): Promise<string> {
    await authorize(ctx, 'registry.whoAmI');
    const { mspId, id, role, dept } = callerOf(ctx);
    return canonicalJson({ mspId, id, role, dept });
  }

  @Transaction()
  @Returns('string')
  async registerContractor(ctx: Context, contractorJson: string): Promise<string> {
    const caller = await authorize(ctx, 'registry.registerContractor');
    const input = parseContractor(contractorJson);
    if (await recordExists(ctx, CONTRACTOR, [input.id])) {
      throw refuse('already_exists', `contractor ${input.id} already exists`, { kind: 'contractor', id: input.id });
    }
    const holder = await ctx.stub.getState(ctx.stub.createCompositeKey(CONTRACTOR_BY_CREDIT_CODE, [input.creditCode]));
    if (holder && holder.length > 0) {
      throw refuse(
        'already_exists',
        `unified social credit code ${input.creditCode} is already registered (${Buffer.from(holder).toString('utf8').split('\u0000').filter(Boolean).join('/')})`,
      );
    }
    const now = txTime(ctx);
    const contractor: Contractor = {
      docType: 'contractor',
      ...input,
      qualifications: [],
      registeredBy: actorOf(caller),
      registeredAt: now,
      updatedAt: now,
    };
    const state = await putRecord(ctx, CONTRACTOR, [contractor.id], contractor);
    await putIndex(
      ctx,
      CONTRACTOR_BY_CREDIT_CODE,
      [contractor.creditCode],
      recordKey(ctx, CONTRACTOR, [contractor.id]),
    );
    emit(ctx, { type: 'registry.contractor_registered', ids: { contractorId: contractor.id }, state });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async addQualification(ctx: Context, contractorId: string, qualificationJson: string): Promise<string> {
    await authorize(ctx, 'registry.addQualification');
    const contractor = await this.#readContractor(ctx, contractorId);
    const q = parseQualification(qualificationJson);
    if (contractor.qualifications.some((existing) => existing.licenceNo === q.licenceNo)) {
      throw refuse('already_exists', `contractor ${contractorId} already has qualification ${q.licenceNo}`);
    }
    const now = txTime(ctx);
    contractor.qualifications.push({ ...q, status: 'valid', addedAt: now });
    contractor.updatedAt = now;
    const state = await putRecord(ctx, CONTRACTOR, [contractorId], contractor);
    emit(ctx, { type: 'registry.qualification_added', ids: { contractorId, licenceNo: q.licenceNo }, state });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async revokeQualification(ctx: Context, contractorId: string, licenceNo: string, reason: string): Promise<string> {
    await authorize(ctx, 'registry.revokeQualification');
    requireText('reason', reason);
    const contractor = await this.#readContractor(ctx, contractorId);
    const q = contractor.qualifications.find((existing) => existing.licenceNo === licenceNo);
    if (!q) {
      throw refuse('not_found', `qualification ${licenceNo} of contractor ${contractorId} does not exist`);
    }
    if (q.status === 'revoked') {
      throw refuse('illegal_transition', `qualification ${licenceNo} of contractor ${contractorId} is already revoked`);
    }
    const now = txTime(ctx);
    Object.assign(q, { status: 'revoked', revokedAt: now, revokedReason: reason });
    contractor.updatedAt = now;
    const state = await putRecord(ctx, CONTRACTOR, [contractorId], contractor);
    emit(ctx, { type: 'registry.qualification_revoked', ids: { contractorId, licenceNo }, state });
    return state.json;
  }

  /** A bureau admin binds a clerk's seal (PDF-signing) certificate to the clerk's Fabric identity in the same bureau. */
  @Transaction()
  @Returns('string')
  async registerSealCertificate(ctx: Context, certificateJson: string): Promise<string> {
    const caller = await authorize(ctx, 'registry.registerSealCertificate');
    const input = parseSealCertificate(certificateJson);
    if (input.holderMsp !== caller.mspId) {
      throw refuse(
        'forbidden',
        `seal certificate ${input.fingerprint}: an admin of ${caller.mspId} may only register certificates of ${caller.mspId} identities, not ${input.holderMsp}`,
      );
    }
    if (await recordExists(ctx, SEAL, [input.fingerprint])) {
      throw refuse('already_exists', `seal certificate ${input.fingerprint} is already registered`);
    }
    const seal: SealCertificate = {
      docType: 'sealCertificate',
      ...input,
      status: 'active',
      registeredBy: actorOf(caller),
      registeredAt: txTime(ctx),
    };
    const state = await putRecord(ctx, SEAL, [seal.fingerprint], seal);
    await putIndex(
      ctx,
      SEAL_BY_HOLDER,
      [seal.holderMsp, seal.holderId, seal.fingerprint],
      ctx.stub.createCompositeKey(SEAL, [seal.fingerprint]),
    );
    emit(ctx, {
      type: 'registry.seal_registered',
      ids: { fingerprint: seal.fingerprint, holderMsp: seal.holderMsp },
      state,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async revokeSealCertificate(ctx: Context, fingerprint: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'registry.revokeSealCertificate');
    requireText('reason', reason);
    const seal = await this.#readSealCertificate(ctx, fingerprint);
    if (seal.holderMsp !== caller.mspId) {
      throw refuse(
        'forbidden',
        `seal certificate ${fingerprint} belongs to ${seal.holderMsp}; only its own bureau's admin may revoke it`,
      );
    }
    if (seal.status === 'revoked') {
      throw refuse('illegal_transition', `seal certificate ${fingerprint} is already revoked`);
    }
    Object.assign(seal, { status: 'revoked', revokedAt: txTime(ctx), revokedReason: reason });
    const state = await putRecord(ctx, SEAL, [fingerprint], seal);
    emit(ctx, { type: 'registry.seal_revoked', ids: { fingerprint, holderMsp: seal.holderMsp }, state });
    return state.json;
  }

  /**
   * A bureau admin, holding their own key, records their bureau's vote on allowing custodial identities personal acts
   * (off until every bureau votes to allow; shared/custody.ts). Only a peer of that bureau can endorse the change.
   */
  @Transaction()
  @Returns('string')
  async voteCustodialPersonalActs(ctx: Context, allowed: string): Promise<string> {
    const caller = await authorize(ctx, 'registry.voteCustodialPersonalActs');
    if (allowed !== 'true' && allowed !== 'false') {
      throw refuse('invalid_request', `allowed must be "true" or "false", not ${JSON.stringify(allowed)}`);
    }
    const vote: CustodyVote = {
      docType: 'custodialPersonalActsVote',
      mspId: caller.mspId,
      allowed: allowed === 'true',
      votedBy: actorOf(caller),
      votedAt: txTime(ctx),
    };
    const state = await putRecord(ctx, CUSTODY_VOTE, [caller.mspId], vote);
    await ctx.stub.setStateValidationParameter(recordKey(ctx, CUSTODY_VOTE, [caller.mspId]), votePolicy(caller.mspId));
    emit(ctx, { type: 'registry.custody_vote_recorded', ids: { mspId: caller.mspId }, state });
    return state.json;
  }

  /** Every bureau's vote and whether custodial identities may perform personal acts now. */
  @Transaction(false)
  @Returns('string')
  async readCustodySetting(ctx: Context): Promise<string> {
    await authorize(ctx, 'registry.read');
    return canonicalJson(await readCustodySetting(ctx));
  }

  @Transaction(false)
  @Returns('string')
  async readContractor(ctx: Context, contractorId: string): Promise<string> {
    await authorize(ctx, 'registry.read');
    return canonicalJson(await this.#readContractor(ctx, contractorId));
  }

  @Transaction(false)
  @Returns('string')
  async listContractors(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'registry.read');
    return canonicalJson(await pageRecords<Contractor>(ctx, CONTRACTOR, [], pageSize, bookmark));
  }

  @Transaction(false)
  @Returns('string')
  async readSealCertificate(ctx: Context, fingerprint: string): Promise<string> {
    await authorize(ctx, 'registry.read');
    return canonicalJson(await this.#readSealCertificate(ctx, fingerprint));
  }

  @Transaction(false)
  @Returns('string')
  async listSealCertificatesByHolder(
    ctx: Context,
    holderMsp: string,
    holderId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'registry.read');
    return canonicalJson(
      await pageByIndex<SealCertificate>(ctx, SEAL_BY_HOLDER, [holderMsp, holderId], pageSize, bookmark),
    );
  }

  async #readContractor(ctx: Context, contractorId: string): Promise<Contractor> {
    return loadContractor(ctx, requireId('contractorId', contractorId));
  }

  async #readSealCertificate(ctx: Context, fingerprint: string): Promise<SealCertificate> {
    return loadSealCertificate(ctx, requireHex64('fingerprint', fingerprint));
  }
}
