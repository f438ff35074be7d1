import express from 'express';
import { z } from 'zod';
import { clientAddress } from '../platform/rate-limit';
import type { RouteTable } from '../platform/routes';
import { NotFoundError } from '../platform/errors';
import type { ReadModel, ReadModelDocument } from '../projection/read-model';
import type { Ledger } from '../ledger/ledger';
import type { IdentityService } from '../identity/identity-service';
import { ledgerId } from '../shared/schemas';
import { COMPLAINT_CATEGORIES } from '@luohu/domain';
import { SERVICES, serviceOf } from './catalogue';
import type { ComplaintIntake } from './intake';
import { INTAKE_USER } from './system-identities';
import { asLedgerComplaint, citizenView, LedgerComplaint, publicView } from './views';
import {
  complaint,
  open311CitizenRequest,
  open311Request,
  open311Service,
  open311ServiceDefinition,
  open311Submitted,
  written,
} from '../shared/record-schemas';

/** Open311 sends form fields as strings: numbers may come as "22.54". */
const coordinate = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d{1,3}(\.\d{1,12})?$/)
        .transform(Number),
    ])
    .pipe(z.number().min(min).max(max));
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .optional()
    .transform((v) => v ?? null);

const submission = z
  .strictObject({
    service_code: z
      .enum(COMPLAINT_CATEGORIES)
      .optional()
      .describe('leave out to let the classifier choose from the description'),
    description: z.string().trim().min(5).max(2000),
    lat: coordinate(-90, 90).optional(),
    long: coordinate(-180, 180).optional(),
    address_string: optionalText(200),
    first_name: optionalText(50).describe('kept off-chain, seen only by the handling staff'),
    last_name: optionalText(50),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 -]{5,20}$/)
      .optional()
      .transform((v) => v ?? null),
    email: z
      .string()
      .trim()
      .email()
      .max(200)
      .optional()
      .transform((v) => v ?? null),
    media_url: z
      .string()
      .trim()
      .url()
      .max(500)
      .refine((u) => /^https?:/i.test(u), 'http(s) URL')
      .optional()
      .transform((v) => v ?? null),
  })
  .superRefine((b, ctx) => {
    if ((b.lat === undefined) !== (b.long === undefined))
      ctx.addIssue({ code: 'custom', path: ['long'], message: 'lat and long go together' });
    if (b.lat === undefined && b.address_string === null)
      ctx.addIssue({
        code: 'custom',
        path: ['address_string'],
        message: 'a location is required: lat and long, or address_string',
      });
  })
  .transform((b) => ({ ...b, service_code: b.service_code ?? null, lat: b.lat ?? null, long: b.long ?? null }));

const requestPath = z.strictObject({ id: ledgerId });
const receiptTokenOf = (header: string | undefined) =>
  header && /^[A-Za-z0-9_-]{20,100}$/.test(header) ? header : undefined;
const OPEN = ['received', 'dispatched', 'in_progress', 'answered', 'reopened', 'escalated'];

/** Open311 GeoReport v2 style, under /open311: services, anonymous requests, the public list, the citizen's own view. */
export function open311Routes(
  routes: RouteTable,
  d: { intake: ComplaintIntake; readModel: ReadModel; ledger: Ledger; identities: IdentityService },
): void {
  // Open311 clients post form-encoded fields; JSON works too.
  routes.router.use('/open311/requests', express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }));
  const complaints = () => d.readModel.model('complaint');

  routes.add(
    {
      method: 'get',
      path: '/open311/services',
      response: z.array(open311Service),
      tag: 'complaints',
      access: 'public',
      summary: 'Open311: the complaint services (categories)',
    },
    async () =>
      SERVICES.map((s) => ({
        service_code: s.code,
        service_name: s.name,
        description: s.description,
        metadata: false,
        type: 'realtime',
        keywords: s.name,
        group: s.group,
      })),
  );

  routes.add(
    {
      method: 'get',
      path: '/open311/services/:code',
      response: open311ServiceDefinition,
      tag: 'complaints',
      access: 'public',
      summary: 'Open311: a service definition (no extra attributes)',
      params: z.strictObject({ code: z.enum(COMPLAINT_CATEGORIES) }),
    },
    async ({ params }) => ({ service_code: params.code, service_name: serviceOf(params.code).name, attributes: [] }),
  );

  routes.add(
    {
      method: 'post',
      path: '/open311/requests',
      response: open311Submitted,
      tag: 'complaints',
      access: 'public',
      status: 201,
      body: submission,
      summary:
        'Open311: submit a complaint, anonymously allowed (rate-limited per IP). Contact details stay off-chain. Answers once with receipt_token: keep it to follow and rate the request',
    },
    async ({ body, req, res }) => {
      const r = await d.intake.submit(body, {
        ip: clientAddress(req),
        idempotencyKey: req.header('Idempotency-Key') ?? undefined,
      });
      if (r.receipt?.blockNumber) res.setHeader('X-Consistency-Token', r.receipt.blockNumber); // send as X-Consistent-After to read it back
      return [
        {
          service_request_id: r.id,
          service_code: r.category,
          receipt_token: r.receiptToken,
          account_id: null,
          service_notice: `已受理，将于 ${r.deadline} 前分派至责任单位。请保存 receipt_token，用于查询进度和评价。`,
          address: r.location,
          expected_datetime: `${r.deadline}T23:59:59+08:00`,
          operationId: r.operationId,
          receipt: r.receipt ?? null,
        },
      ];
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/open311/requests',
      response: z.array(open311Request),
      tag: 'complaints',
      access: 'public',
      summary: 'Open311: requests (public fields only: no description, contact or exact address)',
      query: z.strictObject({
        service_request_id: z
          .string()
          .regex(/^[A-Za-z0-9._:-]{1,128}(,[A-Za-z0-9._:-]{1,128}){0,49}$/)
          .optional(),
        service_code: z.enum(COMPLAINT_CATEGORIES).optional(),
        status: z.enum(['open', 'closed']).optional(),
        start_date: z.string().datetime({ offset: true }).optional(),
        end_date: z.string().datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        after: ledgerId.optional(),
      }),
    },
    async ({ query }) => {
      const filter: Record<string, unknown> = {};
      if (query.service_request_id) filter._id = { $in: query.service_request_id.split(',') };
      if (query.service_code) filter.category = query.service_code;
      if (query.status) filter.status = query.status === 'closed' ? 'closed' : { $in: OPEN };
      const received: Record<string, string> = {};
      if (query.start_date) received.$gte = new Date(query.start_date).toISOString();
      if (query.end_date) received.$lte = new Date(query.end_date).toISOString();
      if (Object.keys(received).length) filter.receivedAt = received;
      if (query.after) filter._id = { ...(filter._id as object), $gt: query.after };
      const docs = await complaints().find(filter).sort({ _id: 1 }).limit(query.limit).lean<ReadModelDocument[]>();
      return docs.map((doc) => publicView(asLedgerComplaint(doc)));
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/open311/requests/:id',
      response: z
        .array(z.union([open311CitizenRequest, open311Request]))
        .describe("one request: the citizen's own view with X-Receipt-Token, else the public one"),
      tag: 'complaints',
      access: 'public',
      params: requestPath,
      summary:
        'Open311: one request. With the X-Receipt-Token header the citizen sees their own text, the answer and the rating; without it, the public fields',
    },
    async ({ params, req }) => {
      const token = req.header('X-Receipt-Token');
      const doc = await complaints().findById(params.id).lean<ReadModelDocument>();
      if (token === undefined) {
        if (!doc) throw new NotFoundError(`service request ${params.id} does not exist`);
        return [publicView(asLedgerComplaint(doc))];
      }
      const record = await d.intake.authorise(params.id, receiptTokenOf(token) ?? '-');
      // Just submitted and not projected yet: the ledger has it already.
      const complaint = doc
        ? asLedgerComplaint(doc)
        : (JSON.parse(
            await d.ledger.evaluate(await d.identities.signer(INTAKE_USER), 'complaint', 'readComplaint', [params.id]),
          ) as LedgerComplaint);
      return [citizenView(complaint, record)];
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/open311/requests/:id/rating',
      response: written(complaint),
      tag: 'complaints',
      access: 'public',
      params: requestPath,
      status: 201,
      summary:
        'Rate the answer 1–5, once, with the X-Receipt-Token header (extension to Open311); the comment stays off-chain',
      body: z.strictObject({
        score: z
          .union([
            z.number(),
            z
              .string()
              .regex(/^[1-5]$/)
              .transform(Number),
          ])
          .pipe(z.number().int().min(1).max(5)),
        comment: z.string().trim().min(1).max(500).optional(),
      }),
    },
    async ({ params, body, req, res }) => {
      const outcome = await d.intake.rate(
        params.id,
        receiptTokenOf(req.header('X-Receipt-Token')),
        body.score,
        body.comment ?? null,
        req.header('Idempotency-Key') ?? undefined,
      );
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      return outcome.body;
    },
  );
}
