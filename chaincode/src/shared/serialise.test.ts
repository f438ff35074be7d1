import { expect } from 'chai';
import { RawJson, canonicalJson, toBytes } from './serialise';

describe('canonical serialisation', () => {
  it('when two objects differ only in key order, then they serialise to the same bytes', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: '罗湖' } };
    const b = { a: { c: '罗湖', d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(Buffer.from(toBytes(a)).equals(Buffer.from(toBytes(b)))).to.equal(true);
    expect(canonicalJson(a)).to.equal('{"a":{"c":"罗湖","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('when a value is undefined, then the key is left out as JSON.stringify would', () => {
    expect(canonicalJson({ a: undefined, b: null })).to.equal('{"b":null}');
  });
  it('when raw JSON is embedded, then it appears byte for byte', () => {
    expect(canonicalJson({ z: 1, state: new RawJson('{"b":2,"a":1}') })).to.equal('{"state":{"b":2,"a":1},"z":1}');
  });
  it('when a value is not JSON-safe, then serialisation refuses it naming the path', () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } })).to.throw(/\$\.a\.b: NaN is not a finite number/);
    expect(() => canonicalJson({ when: new Map() })).to.throw(/\$\.when: only plain objects/);
    expect(() => canonicalJson({ f: () => 1 })).to.throw(/values of type function/);
  });
});
