import { PROJECT_TYPES } from '@luohu/domain';
import { z } from 'zod';
import { assertMayRead } from '../access/read-access';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { registryUseCases } from './use-cases';
import { AppError } from '../platform/errors';
import { byId } from '../shared/read-queries';
import { pageBy } from '../shared/read-queries';
import { day, ledgerId, page, reason } from '../shared/schemas';
import { tokens } from '../shared/text-search';
import { promoteSealKey, sealKeyClaimModel, sealKeyModel } from './seal-keys';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { contractor, listPage, sealCertificate, sealCertificateDetail, written } from '../shared/record-schemas';

const GRADES = ['special', 'grade1', 'grade2', 'grade3'] as const;
const fingerprint = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters (SHA-256 fingerprint)');
const username = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'a username');
const pem = (label: string) =>
  z
    .string()
    .max(16_384)
    .regex(new RegExp(`-----BEGIN ${label}-----`), `a PEM ${label}`);

/** Read-model fields of a contractor: words of its name and its licence numbers, for search. */
export const contractorEnricher = (c: Record<string, unknown>) => ({
  tokens: tokens(String(c.name ?? '')),
  licenceNos: ((c.qualifications ?? []) as { licenceNo: string }[]).map((q) => q.licenceNo),
});

/** 名录: contractors and their qualifications (住建局 admin), and clerks' seal certificates (their bureau's admin). */
export function registryRoutes({ routes, writes, readModel, ledger, identities, connection }: DomainDeps): void {
  const sealKeys = sealKeyModel(connection);
  const registry = registryUseCases({ connection, identities });
  // A contractor or owner user is registered for a company only if the ledger's registry holds it.
  identities.useCompanyRegistry(async (admin, company) => {
    try {
      await ledger.evaluate(await identities.signer(admin), 'registry', 'readContractor', [company]);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return false;
      throw err;
    }
  });
  const contractorPath = z.strictObject({ id: ledgerId });

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contractors',
      tag: 'registry',
      response: written(contractor),
      summary: 'Register a contractor (admin @ Housing)',
      body: z.strictObject({
        id: ledgerId,
        name: z.string().trim().min(2).max(200),
        creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character unified social credit code'),
      }),
    },
    registry.registerContractor,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contractors/:id/qualifications',
      tag: 'registry',
      response: written(contractor),
      summary:
        'Add a qualification (资质) to a contractor: grade bounds the budgets it may take, scope the project types',
      params: contractorPath,
      body: z.strictObject({
        licenceNo: ledgerId,
        grade: z.enum(GRADES),
        scope: z.array(z.enum(PROJECT_TYPES)).min(1).max(PROJECT_TYPES.length),
        expiry: day,
      }),
    },
    registry.addQualification,
    ({ params, body }) => ({ contractorId: params.id, qualification: body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contractors/:id/qualifications/:licenceNo/revocation',
      tag: 'registry',
      response: written(contractor),
      summary: 'Revoke a qualification, with the reason',
      params: z.strictObject({ id: ledgerId, licenceNo: ledgerId }),
      body: z.strictObject({ reason }),
    },
    registry.revokeQualification,
    ({ params, body }) => ({ contractorId: params.id, licenceNo: params.licenceNo, reason: body.reason }),
  );

  routes.add(
    {
      method: 'get',
      path: '/contractors',
      response: listPage(contractor),
      tag: 'registry',
      access: 'user',
      summary: 'Contractors from the read model, by words of the name, credit code or licence number',
      query: page.extend({
        q: z.string().trim().min(1).max(50).optional(),
        creditCode: z
          .string()
          .regex(/^[0-9A-Z]{18}$/)
          .optional(),
        licenceNo: ledgerId.optional(),
      }),
    },
    async ({ query, user }) => {
      const filter: Record<string, unknown> = {};
      if (query.q) filter.tokens = { $all: tokens(query.q) };
      if (query.creditCode) filter.creditCode = query.creditCode;
      if (query.licenceNo) filter.licenceNos = { $all: [query.licenceNo] };
      return pageBy(readModel.model('contractor'), filter, query.limit, query.after, user);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/contractors/:id',
      response: contractor,
      tag: 'registry',
      access: 'user',
      params: contractorPath,
      summary: 'A contractor with its qualifications; ?source=ledger reads the ledger instead',
      query: sourceQuery,
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'registry', fn: 'readContractor', args: [params.id] },
        { type: 'contractor', id: params.id, what: 'contractor' },
      ),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/seal-certificates',
      tag: 'registry',
      response: written(sealCertificate),
      summary:
        "Bind a seal (PDF-signing) certificate or public key to a user's Fabric identity, by an admin of the user's bureau. " +
        "The fingerprint is SHA-256 of the certificate DER (or of the key's SubjectPublicKeyInfo DER). With neither, the seal is the " +
        "certificate the bureau's CA issued the holder, whose key the gateway keeps sealed (what POST /sealed-documents/{id}/signatures signs with)",
      body: z
        .strictObject({
          holder: username,
          label: z.string().trim().min(1).max(200),
          validUntil: day.optional(),
          certificate: pem('CERTIFICATE').optional(),
          publicKey: pem('PUBLIC KEY').optional(),
        })
        .refine((b) => b.certificate === undefined || b.publicKey === undefined, {
          message: 'give at most one of certificate or publicKey',
        }),
    },
    registry.registerSealCertificate,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/seal-certificates/:fingerprint/revocation',
      tag: 'registry',
      response: written(sealCertificate),
      summary: "Revoke a seal certificate, with the reason (admin of the holder's bureau)",
      params: z.strictObject({ fingerprint }),
      body: z.strictObject({ reason }),
    },
    registry.revokeSealCertificate,
    ({ params, body }) => ({ ...params, ...body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/seal-certificates',
      response: listPage(sealCertificate),
      tag: 'registry',
      access: 'user',
      summary: 'Seal certificates from the read model, by holder (username) and status',
      query: page.extend({ holder: username.optional(), status: z.enum(['active', 'revoked']).optional() }),
    },
    async ({ query, user }) => {
      const filter: Record<string, unknown> = {};
      if (query.holder) {
        // The holder's identity as any claim recorded it from the ledger's whoAmI; the read model gives only seals the ledger accepted.
        const known =
          (await sealKeyClaimModel(connection).findOne({ holder: query.holder }).lean()) ??
          (await sealKeys.findOne({ holder: query.holder }).lean());
        if (!known) return { items: [], next: null };
        filter.holderMsp = known.holderMsp;
        filter.holderId = known.holderId;
      }
      if (query.status) filter.status = query.status;
      return pageBy(readModel.model('sealCertificate'), filter, query.limit, query.after, user);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/seal-certificates/:fingerprint',
      response: sealCertificateDetail,
      tag: 'registry',
      access: 'user',
      params: z.strictObject({ fingerprint }),
      summary:
        'A seal certificate, with its public PEM when it was registered through this gateway; ?source=ledger reads the ledger',
      query: sourceQuery,
    },
    async ({ params, query, user }) => {
      await assertMayRead(readModel, user!, 'sealCertificate', params.fingerprint, 'seal certificate');
      const record =
        query.source === 'ledger'
          ? JSON.parse(
              await ledger.evaluate(await identities.reader(user!._id), 'registry', 'readSealCertificate', [
                params.fingerprint,
              ]),
            )
          : await byId(readModel.model('sealCertificate'), params.fingerprint, 'seal certificate');
      const key =
        (await sealKeys.findById(params.fingerprint).lean()) ??
        (await promoteSealKey(connection, params.fingerprint, record));
      // The key is the fingerprint's preimage, so always right; the username only if this attempt is the one the ledger took.
      return {
        ...record,
        holder: key && key.holderId === record.holderId ? key.holder : null,
        key: key ? { format: key.format, pem: key.pem } : null,
      };
    },
  );
}
