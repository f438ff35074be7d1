import type { paths } from '../api/schema';
import { recordPath } from './search';

/** A reconciliation finding as GET /v1/reconciliation/findings lists it. */
export type Finding =
  paths['/v1/reconciliation/findings']['get']['responses']['200']['content']['application/json']['items'][number];
/** A reconciliation run. */
export type Run = paths['/v1/reconciliation/runs/{id}']['get']['responses']['200']['content']['application/json'];

/** One line of what a finding found: a translation key (under audit.reconciliation.detail.) and its values. */
export interface DetailLine {
  key: string;
  values: Record<string, string>;
}

const text = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/**
 * What differs, as an auditor reads it: each changed field with the read model's and the ledger's values; a changed
 * file's stored and actual digests; or the reason a record or its anchor is missing.
 */
export function findingDetails(finding: Finding): DetailLine[] {
  const d = finding.details as Record<string, unknown>;
  switch (finding.kind) {
    case 'changed-field': {
      const fields = Array.isArray(d.fields)
        ? (d.fields as { path: string; readModel: unknown; ledger: unknown }[])
        : [];
      const lines: DetailLine[] = fields.map((f) => ({
        key: 'field',
        values: { path: f.path, readModel: text(f.readModel), ledger: text(f.ledger) },
      }));
      if (d.truncated === true) lines.push({ key: 'truncated', values: { listed: text(d.listed) } });
      return lines;
    }
    case 'changed-file':
      return [
        {
          key: 'file',
          values: { stored: text(d.storedSha256), actual: text(d.actualSha256 ?? d.readError) },
        },
        { key: d.anchored === true ? 'fileAnchored' : 'fileNotAnchored', values: {} },
      ];
    default:
      return [{ key: 'reason', values: { reason: text(d.reason) } }];
  }
}

/** The record or file a finding is about, and where in the app the auditor reads its history (records only). */
export function findingSubject(finding: Finding): { label: string; to?: string } {
  const { subject } = finding;
  if (subject.type === 'record' && subject.recordType)
    return { label: finding.ref, to: recordPath(subject.recordType, subject.key.join('/')) };
  return { label: finding.ref };
}

/** The run going on now, if any (the newest first). */
export const runningRun = (runs: readonly Run[]): Run | undefined => runs.find((r) => r.status === 'running');
