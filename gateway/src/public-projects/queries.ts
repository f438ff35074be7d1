import { HOUSING, nearestSubdistrict, PUBLIC_HOTLINE } from '@luohu/domain';
import { NotFoundError } from '../platform/errors';
import type { ReadModel } from '../projection/read-model';

/**
 * What citizens may see of a project: only approved ones (an application is the applicant's business until the
 * district decides), and of those what a site board shows — what, where, who builds it, planned against actual.
 * Never who signed what inside the bureaus, nor the payee's account.
 */

/** The address part of a ledger location "<address> (<lat>,<lng>)". */
const addressOf = (location: unknown) => String(location ?? '').replace(/\s*\([^)]*\)\s*$/, '');

/** Approved projects within `radiusKm` of a point, nearest first (at most 100), with their coordinates for a map. */
export async function nearbyProjects(readModel: ReadModel, point: { lat: number; lng: number; radiusKm: number }) {
  // A bounding box the database can filter, then the exact distance here (FerretDB has no geo operators).
  const dLat = point.radiusKm / 111.32;
  const dLng = point.radiusKm / (111.32 * Math.cos((point.lat * Math.PI) / 180));
  const docs = await readModel
    .model('project')
    .find({
      status: 'approved',
      lat: { $gte: point.lat - dLat, $lte: point.lat + dLat },
      lng: { $gte: point.lng - dLng, $lte: point.lng + dLng },
    })
    .limit(500)
    .lean();
  const items = docs
    .map((d) => ({
      id: d._id,
      name: d.name as string,
      type: d.type as string,
      status: d.status as string,
      location: d.location as string,
      address: addressOf(d.location),
      lat: d.lat as number,
      lng: d.lng as number,
      distanceKm: distanceKm(point.lat, point.lng, d.lat as number, d.lng as number),
    }))
    .filter((p) => p.distanceKm <= point.radiusKm)
    .sort((a, b) => a.distanceKm - b.distanceKm)
    .slice(0, 100);
  return { items };
}

/** An approved project's public page: 404 for any other, so an application's existence is not disclosed. */
export async function publicProject(readModel: ReadModel, id: string) {
  const p = await readModel.model('project').findOne({ _id: id, status: 'approved' }).lean();
  if (!p) throw new NotFoundError(`no approved project ${id}`);
  const [builder, contracts, deviation] = await Promise.all([
    readModel.model('contractor').findOne({ _id: p.contractorId }).lean(),
    readModel.model('contract').find({ projectId: id }).limit(20).lean(),
    readModel.model('progressDeviation').find({ projectId: id }).sort({ asOf: -1 }).limit(1).lean(),
  ]);
  const contractIds = contracts.map((c) => c.id as string);
  const milestones = contractIds.length
    ? await readModel
        .model('milestone')
        .find({ contractId: { $in: contractIds } })
        .lean()
    : [];
  const lat = p.lat as number;
  const lng = p.lng as number;
  const subdistrict = nearestSubdistrict(lat, lng);
  const approval = (p.steps as { step: string; at: string }[] | undefined)?.find((s) => s.step === 'approve');
  return {
    id: p._id,
    name: p.name as string,
    type: p.type as string,
    status: p.status as string,
    address: addressOf(p.location),
    lat,
    lng,
    subdistrict: { code: subdistrict.code, zh: subdistrict.zh, en: subdistrict.en },
    budget: p.budget as number,
    approvedAt: approval?.at ?? null,
    builder: builder ? { id: builder._id, name: builder.name as string } : null,
    milestones: milestones
      .map((m) => {
        const progress = m.latestProgress as { plannedPercent: number; actualPercent: number } | null;
        return {
          contractId: m.contractId as string,
          id: m.id as string,
          name: m.name as string,
          plannedDate: m.plannedDate as string,
          status: m.status as string,
          acceptedAt: (m.acceptedAt as string | undefined) ?? null,
          plannedPercent: progress?.plannedPercent ?? null,
          actualPercent: progress?.actualPercent ?? null,
        };
      })
      .sort((a, b) => a.plannedDate.localeCompare(b.plannedDate) || a.id.localeCompare(b.id)),
    progress: deviation[0]
      ? {
          plannedPercent: deviation[0].plannedPercent as number,
          actualPercent: deviation[0].actualPercent as number,
          asOf: deviation[0].asOf as string,
        }
      : null,
    contact: { bureau: HOUSING, hotline: PUBLIC_HOTLINE },
  };
}

/** Great-circle distance in km, to the metre. */
function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return Math.round(12742 * Math.asin(Math.sqrt(a)) * 1000) / 1000;
}
