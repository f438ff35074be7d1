/**
 * The one serialiser for ledger values and event payloads.
 *
 * Output is canonical JSON: object keys sorted (recursively, by UTF-16 code unit order, which is what
 * Array.prototype.sort does), no whitespace, and only JSON-safe values. Two peers that endorse the same
 * transaction therefore produce the same bytes, and so do two runs of the same test.
 */

/** Already-serialised canonical JSON that must be embedded verbatim (byte for byte) in a larger document. */
export class RawJson {
    constructor(readonly json: string) {}
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export function canonicalJson(value: unknown): string {
    return write(value, '$');
}

export function toBytes(value: unknown): Uint8Array {
    return Buffer.from(canonicalJson(value), 'utf8');
}

export function fromBytes<T>(bytes: Uint8Array, what: string): T {
    const text = Buffer.from(bytes).toString('utf8');
    try {
        return JSON.parse(text) as T;
    } catch (err) {
        throw new Error(`${what} holds a value that is not JSON: ${(err as Error).message}`, { cause: err });
    }
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
