import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { attest } from './use-cases';
import { byId } from '../shared/read-queries';
import { pageBy } from '../shared/read-queries';
import { ledgerId, page, sha256 } from '../shared/schemas';
import { RECORD_KINDS, SUBJECT_KINDS } from '@luohu/domain';
import { RecordAudit, readModelId, subjectOf } from './record-audit';
import { assertMayRead } from '../access/read-access';
import { attestation, listPage, recordHistory, recordVerification, written } from '../shared/record-schemas';

/** A record's key in a path: one id, or a composite key joined by "/" (sent as %2F), as the read model keys it. */
export const recordKey = z
  .string()
  .min(1)
  .max(400)
  .transform((s, ctx) => {
    const parts = s.split('/');
    if (parts.length > 3 || parts.some((p) => !ledgerId.safeParse(p).success)) {
      ctx.addIssue({
        code: 'custom',
        message: "1-3 ids joined by '/', each 1-128 letters, digits, '.', '_', ':' or '-'",
      });
      return z.NEVER;
    }
    return parts;
  });
export const recordPath = z.strictObject({ kind: z.enum(RECORD_KINDS), id: recordKey });

/** Read-model fields of an attestation: its subject as one string, to list attestations of a record. */
export const attestationEnricher = (a: Record<string, unknown>) => ({
  subject: subjectOf(String(a.subjectKind), (a.subjectKey ?? []) as string[]),
});

/** 审计: the history of any record (ledger + receipts), read-model verification, and auditors' attestations. */
export function auditRoutes({ routes, writes, readModel }: DomainDeps, audit: RecordAudit): void {
  routes.add(
    {
      method: 'get',
      path: '/records/:kind/:id/history',
      response: recordHistory,
      tag: 'audit',
      access: 'user',
      params: recordPath,
      summary:
        'Every committed version of a record, newest first, each with its transaction ID, block and the gateway operation ' +
        'that anchored it; and the auditors\' attestations of it. Composite keys: "HT001%2FM1"',
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, params.kind, readModelId(params.kind, params.id), params.kind),
      audit.history(user!._id, params.kind, params.id)
    ),
  );

  routes.add(
    {
      method: 'get',
      path: '/records/:kind/:id/verify',
      response: recordVerification,
      tag: 'audit',
      access: 'user',
      params: recordPath,
      summary: "Compare the read model's copy of a record with the ledger's current value, field by field",
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, params.kind, readModelId(params.kind, params.id), params.kind),
      audit.verify(user!._id, params.kind, params.id)
    ),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/attestations',
      tag: 'audit',
      response: written(attestation),
      summary:
        "An auditor's attestation about a record (the only write an auditor makes); a finding or qualified opinion needs the report's hash",
      body: z
        .strictObject({
          id: ledgerId,
          subjectKind: z.enum(SUBJECT_KINDS),
          subjectKey: z.array(ledgerId).min(1).max(3),
          opinion: z.enum(['no_finding', 'finding', 'qualified']),
          reportSha256: sha256.optional(),
          note: z.string().trim().min(1).max(2000),
        })
        .refine((b) => b.opinion === 'no_finding' || b.reportSha256 !== undefined, {
          message: 'a finding or qualified opinion needs reportSha256',
          path: ['reportSha256'],
        }),
    },
    attest,
    ({ body }) => body,
  );

  routes.add(
    {
      method: 'get',
      path: '/attestations',
      response: listPage(attestation),
      tag: 'audit',
      access: 'user',
      summary: 'Attestations from the read model, by subject and opinion',
      query: page
        .extend({
          subjectKind: z.enum(SUBJECT_KINDS).optional(),
          subjectKey: recordKey.optional(),
          opinion: z.enum(['no_finding', 'finding', 'qualified']).optional(),
        })
        .refine((q) => !q.subjectKey || q.subjectKind, {
          message: 'subjectKey needs subjectKind',
          path: ['subjectKey'],
        }),
    },
    async ({ query, user }) => {
      const filter: Record<string, unknown> = {};
      if (query.subjectKind && query.subjectKey) filter.subject = subjectOf(query.subjectKind, query.subjectKey);
      else if (query.subjectKind) filter.subjectKind = query.subjectKind;
      if (query.opinion) filter.opinion = query.opinion;
      return pageBy(readModel.model('attestation'), filter, query.limit, query.after, user);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/attestations/:id',
      response: attestation,
      tag: 'audit',
      access: 'user',
      params: z.strictObject({ id: ledgerId }),
      summary: 'An attestation',
    },
    async ({ params, user }) => byId(readModel.model('attestation'), params.id, 'attestation', user),
  );
}
