/**
 * The one canonical JSON: object keys sorted (recursively, by UTF-16 code unit order, which is what
 * Array.prototype.sort does), no whitespace, and only JSON-safe values. The chaincode serialises every ledger value
 * and event with it, so two peers endorsing the same transaction produce the same bytes; the gateway and devices
 * use it wherever bytes are hashed, signed or compared (request fingerprints, alert signatures, bank callbacks,
 * audit comparisons, complaint hashes).
 */

/** Already-serialised canonical JSON that must be embedded verbatim (byte for byte) in a larger document. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** A value canonicalJson accepts (undefined object members are left out, as JSON.stringify does). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** Throws on values JSON cannot carry faithfully (NaN, Infinity, functions, class instances other than RawJson). */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value instanceof RawJson) {
    return value.json;
  }
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Error(`cannot serialise ${path}: ${value} is not a finite number`);
      }
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => write(item === undefined ? null : item, `${path}[${i}]`)).join(',')}]`;
      }
      if (value instanceof Date) {
        return JSON.stringify(value.toISOString()); // as JSON.stringify writes it (a request body, a database row)
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new Error(`cannot serialise ${path}: only plain objects are allowed`);
      }
      return writeObject(value as Record<string, unknown>, path);
    default:
      throw new Error(`cannot serialise ${path}: values of type ${typeof value} are not allowed`);
  }
}

function writeObject(obj: Record<string, unknown>, path: string): string {
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const item = obj[key];
    if (item === undefined) {
      continue; // absent and undefined serialise the same way, as in JSON.stringify
    }
    parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}
