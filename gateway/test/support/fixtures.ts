import type { TestUser } from './gateway';

/** The files of an application, as the applicant uploaded them (see newUser). */
export function filesOf(applicant: TestUser, kinds: string[]): { kind: string; sha256: string }[] {
  return kinds.map((kind) => {
    const sha256 = applicant.files?.[kind];
    if (!sha256) throw new Error(`${applicant.username} has uploaded no ${kind}`);
    return { kind, sha256 };
  });
}

/** An application with every file a road needs, by a contractor for its own company, with files it uploaded. */
export function roadApplication(id: string, applicant: TestUser) {
  const kinds = [
    'application_form',
    'budget_estimate',
    'feasibility_study',
    'land_use_permit',
    'traffic_impact_assessment',
  ];
  return {
    id,
    name: '东门步行街排水改造',
    type: 'road',
    budget: 120_000_000,
    location: { address: '东门', lat: 22.5461, lng: 114.1175 },
    contractorId: applicant.company,
    files: filesOf(applicant, kinds),
  };
}
