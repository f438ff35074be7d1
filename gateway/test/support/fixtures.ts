import { randomHash } from './gateway';

/** An application with every file a road needs, for contractor C (the automatic check may still flag the contractor). */
export function roadApplication(id: string, contractorId = 'C-none') {
  const kinds = ['application_form', 'budget_estimate', 'feasibility_study', 'land_use_permit', 'traffic_impact_assessment'];
  return { id, name: '东门步行街排水改造', type: 'road', budget: 120_000_000, location: { address: '东门', lat: 22.5461, lng: 114.1175 }, contractorId, files: kinds.map((kind) => ({ kind, sha256: randomHash() })) };
}
