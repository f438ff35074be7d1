import type { ProjectStatus } from '@luohu/domain';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { ReadModel } from '../projection/read-model';
import { given, pageBy } from '../shared/read-queries';
import { tokens } from '../shared/text-search';

/** Projects the caller may read, by status, contractor or words of the name, a page at a time. */
export function listProjects(
  readModel: ReadModel,
  user: AuthenticatedUser | undefined,
  query: { status?: ProjectStatus; contractorId?: string; q?: string; limit: number; after?: string },
) {
  const filter = given({
    status: query.status,
    contractorId: query.contractorId,
    tokens: query.q ? { $all: tokens(query.q) } : undefined,
  });
  return pageBy(readModel.model('project'), filter, query.limit, query.after, user);
}

/** Approved projects within `radiusKm` of a point, nearest first (at most 100), for citizens. */
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
      name: d.name,
      type: d.type,
      status: d.status,
      location: d.location,
      distanceKm: distanceKm(point.lat, point.lng, d.lat as number, d.lng as number),
    }))
    .filter((p) => p.distanceKm <= point.radiusKm)
    .sort((a, b) => a.distanceKm - b.distanceKm)
    .slice(0, 100);
  return { items };
}

/** Great-circle distance in km, to the metre. */
function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return Math.round(12742 * Math.asin(Math.sqrt(a)) * 1000) / 1000;
}
