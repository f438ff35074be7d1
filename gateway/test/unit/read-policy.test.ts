import { expect } from 'chai';
import { mayRead, mayReadFile, readFilter, type Reader } from '../../src/access/read-policy';
import { ROLES, type Role } from '../../src/identity/models';
import type { RecordType } from '../../src/projection/read-model';

const KINDS: RecordType[] = [
  'project',
  'contractor',
  'sealCertificate',
  'document',
  'contract',
  'milestone',
  'changeOrder',
  'progressReport',
  'incident',
  'payout',
  'paymentAlert',
  'safetyAlert',
  'progressDeviation',
  'riskScore',
  'complaint',
  'batchAnchor',
  'attestation',
];
/** What a company reads of its own records; nothing of another company's. */
const OWN = new Set<RecordType>([
  'project',
  'contract',
  'milestone',
  'changeOrder',
  'progressReport',
  'incident',
  'payout',
  'document',
  'contractor',
]);

/** The whole table, written out: role → what it reads of its own company's records / of another company's. */
const EXPECTED: Record<Role, (kind: RecordType) => { own: boolean; other: boolean }> = {
  admin: () => ({ own: true, other: true }),
  director: () => ({ own: true, other: true }),
  clerk: () => ({ own: true, other: true }),
  reviewer: () => ({ own: true, other: true }),
  inspector: () => ({ own: true, other: true }),
  finance: () => ({ own: true, other: true }),
  auditor: () => ({ own: true, other: true }),
  analyst: () => ({ own: true, other: true }),
  contractor: (kind) => ({ own: OWN.has(kind), other: false }),
  owner: (kind) => ({ own: OWN.has(kind), other: false }),
  device: () => ({ own: false, other: false }),
};

const reader = (role: Role, company: string | null = 'C-A'): Reader => ({ _id: `${role}-1`, role, company });

describe('read policy: who may read what (no network)', () => {
  it('when the table is checked for every role and record kind, then each reads exactly what it should', () => {
    expect(Object.keys(EXPECTED).sort()).to.deep.equal([...ROLES].sort());
    for (const role of ROLES) {
      for (const kind of KINDS) {
        const expected = EXPECTED[role](kind);
        expect(mayRead(reader(role), { kind, company: 'C-A' }), `${role} reads its own company's ${kind}`).to.equal(
          expected.own,
        );
        expect(mayRead(reader(role), { kind, company: 'C-B' }), `${role} reads another company's ${kind}`).to.equal(
          expected.other,
        );
        expect(mayRead(reader(role), { kind, company: null }), `${role} reads a ${kind} of no company`).to.equal(
          expected.other,
        );
      }
    }
  });

  it('when a contractor or owner has no company, then it reads nothing', () => {
    for (const role of ['contractor', 'owner'] as const) {
      for (const kind of KINDS) {
        expect(mayRead(reader(role, null), { kind, company: null }), `${role} ${kind}`).to.equal(false);
        expect(readFilter(reader(role, null), kind), `${role} ${kind} list`).to.equal(undefined);
      }
    }
  });

  it('when nobody is signed in, then nothing is readable', () => {
    for (const kind of KINDS) {
      expect(mayRead(undefined, { kind, company: 'C-A' })).to.equal(false);
      expect(readFilter(undefined, kind)).to.equal(undefined);
    }
  });

  it('when a list is read, then the filter is all for staff, the company for contractors and owners, none for devices', () => {
    for (const role of ROLES) {
      for (const kind of KINDS) {
        const filter = readFilter(reader(role), kind);
        const expected = EXPECTED[role](kind);
        if (expected.other) expect(filter, `${role} ${kind}`).to.deep.equal({});
        else if (expected.own) expect(filter, `${role} ${kind}`).to.deep.equal({ _company: 'C-A' });
        else expect(filter, `${role} ${kind}`).to.equal(undefined);
      }
    }
  });

  it('when a file is read, then its uploader, staff and readers of a record naming it may, nobody else', () => {
    const file = { uploadedBy: 'contractor-1' };
    for (const role of ROLES) {
      const staff = EXPECTED[role]('project').other;
      expect(mayReadFile({ _id: 'someone-else', role, company: 'C-A' }, file, false), role).to.equal(staff);
      expect(mayReadFile({ _id: 'someone-else', role, company: 'C-A' }, file, true), role).to.equal(true);
    }
    expect(mayReadFile(reader('contractor'), file, false)).to.equal(true); // its own upload
    expect(mayReadFile(reader('device'), { uploadedBy: 'device-1' }, false)).to.equal(true);
    expect(mayReadFile(undefined, file, true)).to.equal(false);
  });
});
