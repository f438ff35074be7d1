import { PROJECT_STATUSES as STATUSES, PROJECT_TYPES, STAGE_DEADLINES } from '@luohu/domain';
import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { given, pageBy } from '../shared/read-queries';
import { ledgerId, page, reason, sha256 } from '../shared/schemas';
import { tokens } from '../shared/text-search';
import { deadlineIn } from '../shared/working-days';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { listPage, nearbyProjects, project, written } from '../shared/record-schemas';

/** Working days each stage may take (the paper process took 15 in all). */
export { STAGE_DEADLINES } from '@luohu/domain';

const files = z.array(z.strictObject({ kind: z.string().regex(/^[a-z_]{2,64}$/), sha256 })).min(1).max(50);
const projectPath = z.strictObject({ id: ledgerId });

/** Project locations travel on the ledger as "<address> (<lat>,<lng>)": coarse, public, and parseable for maps. */
export function ledgerLocation(l: { address: string; lat: number; lng: number }): string {
  return `${l.address} (${l.lat.toFixed(4)},${l.lng.toFixed(4)})`;
}
export function parseLocation(text: string): { lat: number; lng: number } | null {
  const m = /\((-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\)\s*$/.exec(text);
  return m ? { lat: Number(m[1]), lng: Number(m[2]) } : null;
}

export const projectEnricher = (p: Record<string, unknown>) => ({
  ...(parseLocation(String(p.location ?? '')) ?? {}),
  tokens: tokens(`${p.name ?? ''} ${p.location ?? ''}`),
});

/** 立项审批: application, automatic check, pre-review, department reviews, correction, decision. */
export function approvalRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): DomainModule {
  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects', tag: 'approval', access: ['contractor', 'owner'], response: written(project),
    summary: "Apply for a project with its files (hashes of files the applicant's company uploaded); the chaincode runs the automatic check",
    body: z.strictObject({
      id: ledgerId, name: z.string().trim().min(2).max(200), type: z.enum(PROJECT_TYPES),
      budget: z.number().int().positive().max(1e15).describe('fen'),
      location: z.strictObject({ address: z.string().trim().min(2).max(60), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
      contractorId: ledgerId.optional().describe("the applicant's company (from its certificate); naming another is refused with 403"), files,
    }),
  }, ({ body }) => ({
    namespace: 'approval', fn: 'applyForProject',
    args: [JSON.stringify({ ...body, location: ledgerLocation(body.location) }), deadlineIn(STAGE_DEADLINES.preReview)],
  }));

  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects/:id/pre-review', tag: 'approval', access: ['clerk'], response: written(project),
    summary: 'Pass pre-review: routes the project to its departments with a working-day deadline', params: projectPath,
  }, ({ params }) => ({ namespace: 'approval', fn: 'passPreReview', args: [params.id, deadlineIn(STAGE_DEADLINES.departmentReview)] }));

  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects/:id/correction', tag: 'approval', access: ['clerk', 'reviewer', 'director'], response: written(project),
    summary: 'Return for correction (补正): stops the clock until resubmission', params: projectPath, body: z.strictObject({ reason }),
  }, ({ params, body }) => ({ namespace: 'approval', fn: 'returnForCorrection', args: [params.id, body.reason] }));

  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects/:id/resubmission', tag: 'approval', access: ['contractor', 'owner'], response: written(project),
    summary: 'Resubmit corrected files: reruns the automatic check and restarts the clock', params: projectPath, body: z.strictObject({ files }),
  }, ({ params, body }) => ({ namespace: 'approval', fn: 'resubmitProject', args: [params.id, JSON.stringify(body.files), deadlineIn(STAGE_DEADLINES.resubmittedPreReview)] }));

  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects/:id/reviews', tag: 'approval', access: ['reviewer'], response: written(project),
    summary: "A department's review (the reviewer's department comes from their certificate)", params: projectPath,
    body: z.strictObject({ opinion: z.enum(['approve', 'reject']), reason }),
  }, ({ params, body }) => ({ namespace: 'approval', fn: 'reviewProject', args: [params.id, body.opinion, body.reason] }));

  anchoredRoute(routes, writes, {
    method: 'post', path: '/projects/:id/decision', tag: 'approval', access: ['director'], response: written(project),
    summary: 'Approve or reject, with reasons', params: projectPath, body: z.strictObject({ decision: z.enum(['approve', 'reject']), reason }),
  }, ({ params, body }) => ({ namespace: 'approval', fn: body.decision === 'approve' ? 'approveProject' : 'rejectProject', args: [params.id, body.reason] }));

  routes.add({
    method: 'get', path: '/projects', response: listPage(project), tag: 'approval', access: 'user', summary: 'Projects from the read model, by status, contractor or words of the name',
    query: page.extend({ status: z.enum(STATUSES).optional(), contractorId: ledgerId.optional(), q: z.string().trim().min(1).max(50).optional() }),
  }, async ({ query, user }) => pageBy(readModel.model('project'), given({
    status: query.status, contractorId: query.contractorId, tokens: query.q ? { $all: tokens(query.q) } : undefined,
  }), query.limit, query.after, user));

  routes.add({
    method: 'get', path: '/projects/:id', response: project, tag: 'approval', access: 'user', params: projectPath,
    summary: 'A project from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
    query: sourceQuery,
  }, async ({ params, query, user }) => recordFrom({ ledger, identities, readModel }, query.source, user!, { namespace: 'approval', fn: 'readProject', args: [params.id] }, { type: 'project', id: params.id, what: 'project' }));

  routes.add({
    method: 'get', path: '/public/projects/nearby', response: nearbyProjects, tag: 'public', access: 'public', summary: 'Approved projects near a point, for citizens',
    query: z.strictObject({ lat: z.coerce.number().min(-90).max(90), lng: z.coerce.number().min(-180).max(180), radiusKm: z.coerce.number().positive().max(20).default(2) }),
  }, async ({ query }) => {
    // A bounding box the database can filter, then the exact distance here (FerretDB has no geo operators).
    const dLat = query.radiusKm / 111.32;
    const dLng = query.radiusKm / (111.32 * Math.cos((query.lat * Math.PI) / 180));
    const docs = await readModel.model('project').find({ status: 'approved', lat: { $gte: query.lat - dLat, $lte: query.lat + dLat }, lng: { $gte: query.lng - dLng, $lte: query.lng + dLng } }).limit(500).lean();
    return {
      items: docs
        .map((d) => ({ id: d._id, name: d.name, type: d.type, status: d.status, location: d.location, distanceKm: distanceKm(query.lat, query.lng, d.lat as number, d.lng as number) }))
        .filter((p) => p.distanceKm <= query.radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm)
        .slice(0, 100),
    };
  });
  return {};
}

function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return Math.round(12742 * Math.asin(Math.sqrt(a)) * 1000) / 1000;
}
