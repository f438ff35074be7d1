import { COMPLAINT_STATUSES as STATUSES } from '@luohu/domain';
import { z } from 'zod';
import type { AnchoredWrites } from '../operations/anchored-writes';
import { anchoredRoute } from '../operations/anchored-route';
import { complaintUseCases } from './use-cases';
import type { RouteTable } from '../platform/routes';
import { ledgerId, page, reason } from '../shared/schemas';
import { COMPLAINT_CATEGORIES } from '@luohu/domain';
import type { ComplaintHandling } from './handling';
import { sourceQuery } from '../shared/record-source';
import {
  complaint,
  complaintVerification,
  staffComplaint,
  staffComplaintList,
  written,
} from '../shared/record-schemas';

const unit = z.string().regex(/^[a-z_]{2,40}$/, "a unit's department code (lower-case letters and '_')");
const complaintPath = z.strictObject({ id: ledgerId });
const READERS = ['clerk', 'director', 'auditor'] as const;

/** 投诉处理 for staff over HTTP, under /complaints: dispatch, start, answer, close, reopen, escalate; lists and details. */
export function staffRoutes(routes: RouteTable, writes: AnchoredWrites, handling: ComplaintHandling): void {
  const complaints = complaintUseCases(handling);
  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/dispatch',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary:
        "The Housing bureau's dispatch office (dept housing) dispatches to the responsible unit (a Housing unit that handles complaints; default: the service's usual unit) with a deadline in Chinese working days (default: the service's)",
      body: z.strictObject({ unit: unit.optional(), workingDays: z.number().int().min(1).max(60).optional() }),
    },
    complaints.dispatch,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/start',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary: 'Start handling: only a clerk of the assigned unit (dept on the certificate)',
    },
    complaints.start,
    ({ params }) => params,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/answer',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary:
        'Answer: the text stays off-chain, its salted hash goes on the ledger; only a clerk of the assigned unit',
      body: z.strictObject({ answer: z.string().trim().min(5).max(4000) }),
    },
    complaints.answer,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/close',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary: 'Close an answered complaint: only a clerk of the assigned unit (as for answering)',
    },
    complaints.close,
    ({ params }) => params,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/reopen',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary:
        'Reopen an answered or closed complaint (e.g. the citizen is not satisfied): only a clerk of the assigned unit; it is then dispatched again',
      body: z.strictObject({ reason }),
    },
    complaints.reopen,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/complaints/:id/escalation',
      tag: 'complaints',
      response: written(complaint),
      params: complaintPath,
      summary:
        'Escalate (督办) an overdue complaint by hand; the scheduler does it automatically. Refused before the deadline has passed',
    },
    complaints.escalate,
    ({ params }) => params,
  );

  routes.add(
    {
      method: 'get',
      path: '/complaints',
      response: staffComplaintList,
      tag: 'complaints',
      access: READERS,
      summary: 'Complaints from the read model by status, unit or category, and by words of the text (jieba tokens)',
      query: page.extend({
        status: z.enum(STATUSES).optional(),
        unit: unit.optional(),
        category: z.enum(COMPLAINT_CATEGORIES).optional(),
        q: z.string().trim().min(1).max(50).optional(),
      }),
    },
    async ({ query }) => handling.list(query),
  );

  routes.add(
    {
      method: 'get',
      path: '/complaints/:id',
      response: staffComplaint,
      tag: 'complaints',
      access: READERS,
      params: complaintPath,
      summary:
        "A complaint with its off-chain content (contact details only for the Housing bureau's dispatch office and the assigned unit's clerks and directors); ?source=ledger reads the record from the ledger as the caller",
      query: sourceQuery,
    },
    async ({ params, query, user }) => handling.detail(params.id, query.source, user!),
  );

  routes.add(
    {
      method: 'get',
      path: '/complaints/:id/verification',
      response: complaintVerification,
      tag: 'complaints',
      access: READERS,
      params: complaintPath,
      summary: "Recompute the salted hashes of the off-chain text and answer and compare them with the ledger's",
    },
    async ({ params, user }) => handling.verify(user!, params.id),
  );
}
