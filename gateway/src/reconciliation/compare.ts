import { comparable } from '../documents/record-audit';

/** One field that differs, by its dotted path (`milestones.2.status`), with both values (null when absent). */
export interface FieldChange {
  path: string;
  readModel: unknown;
  ledger: unknown;
}

/** More than this many changed fields in one record are summed up by the count, not listed. */
export const MAX_CHANGES_LISTED = 50;

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Whether the read model's fields equal the expected record: one canonical serialisation of each side and one string
 * comparison (the common case); only a record that differs is walked field by field, to name the paths.
 */
export function sameRecord(stored: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return comparable(stored) === comparable(expected);
}

/** The leaves that differ, depth first, in sorted key order (so two runs list a difference the same way). */
export function changedFields(stored: unknown, expected: unknown, path = '', out: FieldChange[] = []): FieldChange[] {
  if (out.length >= MAX_CHANGES_LISTED) return out;
  if (isPlainObject(stored) && isPlainObject(expected)) {
    for (const key of [...new Set([...Object.keys(stored), ...Object.keys(expected)])].sort()) {
      changedFields(stored[key], expected[key], path ? `${path}.${key}` : key, out);
    }
    return out;
  }
  if (Array.isArray(stored) && Array.isArray(expected) && stored.length === expected.length) {
    stored.forEach((item, i) => changedFields(item, expected[i], path ? `${path}.${i}` : String(i), out));
    return out;
  }
  if (comparable(stored) !== comparable(expected))
    out.push({ path: path || '(record)', readModel: stored ?? null, ledger: expected ?? null });
  return out;
}
