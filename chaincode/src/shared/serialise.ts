/**
 * The one serialiser for ledger values and event payloads: the domain package's canonical JSON (keys sorted, no
 * whitespace, only JSON-safe values), as UTF-8 bytes. Two peers that endorse the same transaction therefore produce
 * the same bytes, and so do two runs of the same test.
 */

import { canonicalJson } from '@luohu/domain';

export { canonicalJson, Json, RawJson } from '@luohu/domain';

/** A value as canonical JSON, UTF-8. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** A stored value back from its JSON bytes; `what` names it if the bytes are not JSON. */
export function fromBytes<T>(bytes: Uint8Array, what: string): T {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${what} holds a value that is not JSON: ${(err as Error).message}`, { cause: err });
  }
}
