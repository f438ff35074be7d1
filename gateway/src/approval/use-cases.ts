import { STAGE_DEADLINES, type ProjectType } from '@luohu/domain';
import { ledgerWrite } from '../operations/ledger-write';
import { tokens } from '../shared/text-search';
import { deadlineIn } from '../shared/working-days';

/** A file of an application: its kind and the SHA-256 of the upload. */
export interface ApplicationFile {
  kind: string;
  sha256: string;
}

/** What an applicant sends; the chaincode runs the automatic check on it. */
export interface ProjectApplication {
  id: string;
  name: string;
  type: ProjectType;
  /** In fen. */
  budget: number;
  location: ProjectLocation;
  /** The applicant's company; the chaincode takes it from the certificate and refuses another. */
  contractorId?: string;
  files: ApplicationFile[];
}

/** Where a project is: a short address and its WGS-84 coordinates (shown on maps, kept on the ledger rounded). */
export interface ProjectLocation {
  address: string;
  lat: number;
  lng: number;
}

/** Project locations travel on the ledger as "<address> (<lat>,<lng>)": coarse, public, and parseable for maps. */
export function ledgerLocation(l: ProjectLocation): string {
  return `${l.address} (${l.lat.toFixed(4)},${l.lng.toFixed(4)})`;
}

/** The coordinates of a ledger location, or null when it carries none. */
export function parseLocation(text: string): { lat: number; lng: number } | null {
  const m = /\((-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\)\s*$/.exec(text);
  return m ? { lat: Number(m[1]), lng: Number(m[2]) } : null;
}

/** Read-model fields of a project beyond its ledger record: coordinates for maps, words for search. */
export const projectEnricher = (p: Record<string, unknown>) => ({
  ...(parseLocation(String(p.location ?? '')) ?? {}),
  tokens: tokens(`${p.name ?? ''} ${p.location ?? ''}`),
});

/** Apply for a project; the pre-review deadline runs from today in working days. */
export const applyForProject = ledgerWrite<ProjectApplication>({
  access: ['contractor', 'owner'],
  call: (application) => ({
    namespace: 'approval',
    fn: 'applyForProject',
    args: [
      JSON.stringify({ ...application, location: ledgerLocation(application.location) }),
      deadlineIn(STAGE_DEADLINES.preReview),
    ],
  }),
});

/** Pass pre-review: the project goes to its departments, each with the department-review deadline. */
export const passPreReview = ledgerWrite<{ id: string }>({
  access: ['clerk'],
  call: ({ id }) => ({
    namespace: 'approval',
    fn: 'passPreReview',
    args: [id, deadlineIn(STAGE_DEADLINES.departmentReview)],
  }),
});

/** Return for correction (补正): the clock stops until resubmission. */
export const returnForCorrection = ledgerWrite<{ id: string; reason: string }>({
  access: ['clerk', 'reviewer', 'director'],
  call: ({ id, reason }) => ({ namespace: 'approval', fn: 'returnForCorrection', args: [id, reason] }),
});

/** Resubmit corrected files: the automatic check runs again and the pre-review clock restarts. */
export const resubmitProject = ledgerWrite<{ id: string; files: ApplicationFile[] }>({
  access: ['contractor', 'owner'],
  call: ({ id, files }) => ({
    namespace: 'approval',
    fn: 'resubmitProject',
    args: [id, JSON.stringify(files), deadlineIn(STAGE_DEADLINES.resubmittedPreReview)],
  }),
});

/** A department's review; the department is the reviewer's own, from their certificate. */
export const reviewProject = ledgerWrite<{ id: string; opinion: 'approve' | 'reject'; reason: string }>({
  access: ['reviewer'],
  call: ({ id, opinion, reason }) => ({ namespace: 'approval', fn: 'reviewProject', args: [id, opinion, reason] }),
});

/** The director's decision, with reasons. */
export const decideProject = ledgerWrite<{ id: string; decision: 'approve' | 'reject'; reason: string }>({
  access: ['director'],
  call: ({ id, decision, reason }) => ({
    namespace: 'approval',
    fn: decision === 'approve' ? 'approveProject' : 'rejectProject',
    args: [id, reason],
  }),
});
