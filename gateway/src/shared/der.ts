/**
 * A minimal DER/BER reader that keeps every element's byte offsets: verifying a CMS signature needs the exact bytes
 * of the signed attributes and certificates as they were signed, not a re-encoding; evidence reads CRLs and block
 * headers with it. No dependencies, so the offline evidence verifier may load it. Reads indefinite lengths too
 * (some signers emit BER outside the signed attributes).
 */

/**
 * One DER/BER element: its tag, where its header, content and end are in the input, and its children if constructed.
 */
export interface Tlv {
  cls: number; // 0 universal, 1 application, 2 context-specific, 3 private
  tag: number;
  constructed: boolean;
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  children: Tlv[];
}

export const UNIVERSAL = 0;
export const CONTEXT = 2;
export const TAG = {
  integer: 2,
  bitString: 3,
  octetString: 4,
  oid: 6,
  sequence: 16,
  set: 17,
  utcTime: 23,
  generalizedTime: 24,
} as const;

/** Reads the element at `start` and everything nested in it; throws on truncated or too deeply nested input. */
export function readDer(data: Buffer, start = 0, limit = data.length, depth = 0): Tlv {
  if (depth > 64) throw new Error('ASN.1 nested too deeply');
  let at = start;
  const byte = (): number => {
    if (at >= limit) throw new Error('ASN.1 element runs past its container');
    return data[at++];
  };
  const first = byte();
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    // high tag number, base 128
    tag = 0;
    let b: number;
    do {
      b = byte();
      tag = tag * 128 + (b & 0x7f);
    } while (b & 0x80);
  }
  const constructed = (first & 0x20) !== 0;
  const lengthByte = byte();
  const children: Tlv[] = [];
  if (lengthByte === 0x80) {
    // indefinite: children until an end-of-contents (00 00)
    if (!constructed) throw new Error('a primitive ASN.1 element cannot have an indefinite length');
    const contentStart = at;
    while (!(data[at] === 0 && data[at + 1] === 0)) {
      const child = readDer(data, at, limit, depth + 1);
      children.push(child);
      at = child.end;
    }
    return { cls: first >> 6, tag, constructed, start, contentStart, contentEnd: at, end: at + 2, children };
  }
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4) throw new Error('ASN.1 length too large');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byte();
  }
  const contentStart = at;
  const contentEnd = contentStart + length;
  if (contentEnd > limit) throw new Error('ASN.1 element runs past its container');
  if (constructed) {
    for (let child = contentStart; child < contentEnd;) {
      const element = readDer(data, child, contentEnd, depth + 1);
      children.push(element);
      child = element.end;
    }
  }
  return { cls: first >> 6, tag, constructed, start, contentStart, contentEnd, end: contentEnd, children };
}

/** An element's bytes as they are in the input, header included (what a signature covers). */
export const raw = (data: Buffer, tlv: Tlv): Buffer => data.subarray(tlv.start, tlv.end);

/** The value of a (possibly BER-constructed) OCTET STRING. */
export function octets(data: Buffer, tlv: Tlv): Buffer {
  return tlv.constructed
    ? Buffer.concat(tlv.children.map((c) => octets(data, c)))
    : data.subarray(tlv.contentStart, tlv.contentEnd);
}

/** An OBJECT IDENTIFIER's dotted form, e.g. "1.2.840.10045.4.3.2". */
export function oid(data: Buffer, tlv: Tlv): string {
  const bytes = data.subarray(tlv.contentStart, tlv.contentEnd);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const [head, ...rest] = parts;
  const firstArc = head < 80 ? Math.floor(head / 40) : 2;
  return [firstArc, head - firstArc * 40, ...rest].join('.');
}

/** Whether the element is there and has this class and tag. */
export const is = (tlv: Tlv | undefined, cls: number, tag: number): boolean =>
  !!tlv && tlv.cls === cls && tlv.tag === tag;
