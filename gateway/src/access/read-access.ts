import type { ReadModel, RecordType } from '../projection/read-model';
import { COMPANY } from '../projection/record-company';
import { NotFoundError } from '../platform/errors';
import { mayRead, mayReadFile, readFilter, readScope, type Reader } from './read-policy';

/**
 * The read policy where a route does not read the record from the read model itself (a ledger read, a history, an
 * evidence bundle): the record must exist in the read model and be readable, else the same 404 as a missing record.
 */
export async function assertMayRead(
  readModel: ReadModel,
  reader: Reader,
  type: RecordType,
  id: string,
  what: string,
): Promise<void> {
  const scope = readScope(reader, type);
  if (scope === 'all') return;
  const doc =
    scope === 'none'
      ? null
      : await readModel
          .model(type)
          .findById(id, { [COMPANY]: 1 })
          .lean<Record<string, unknown>>();
  if (!doc || !mayRead(reader, { kind: type, company: doc[COMPANY] as string | null }))
    throw new NotFoundError(`${what} ${id} does not exist`);
}

/** Records that name a file by its hash, and where; a reader who may read one of them may read the file. */
const NAMING: Array<{ type: RecordType; field: string }> = [
  { type: 'document', field: '_id' },
  { type: 'project', field: 'files.sha256' },
  { type: 'milestone', field: 'acceptanceReport' },
  { type: 'safetyAlert', field: 'evidenceSha256' },
  { type: 'attestation', field: 'reportSha256' },
];

/** An uploaded file: its uploader, staff, or a reader of a record that names its hash. */
export async function mayReadUpload(
  readModel: ReadModel,
  reader: Reader,
  file: { _id: string; uploadedBy: string },
): Promise<boolean> {
  if (mayReadFile(reader, file, false)) return true;
  for (const { type, field } of NAMING) {
    const policy = readFilter(reader, type);
    if (policy === undefined) continue;
    if (await readModel.model(type).exists({ [field]: file._id, ...policy })) return true;
  }
  return false;
}
