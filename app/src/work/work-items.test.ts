import { describe, expect, it } from 'vitest';
import { awaiting, queueOf, type Project } from './work-items';

const project = (id: string, extra: Partial<Project> = {}): Project =>
  ({
    id,
    name: id,
    status: 'department_review',
    round: 1,
    deadline: '2026-12-10',
    requiredDepartments: ['housing', 'transport'],
    reviews: [],
    ...extra,
  }) as Project;

describe('work queues by role', () => {
  it('when a Housing clerk looks, then pre-review awaits them; a Finance clerk has no approval queue', () => {
    expect(queueOf({ role: 'clerk', dept: 'housing', mspId: 'HousingMSP' })?.status).toBe('pre_review');
    expect(queueOf({ role: 'clerk', dept: 'finance', mspId: 'FinanceMSP' })).toBeUndefined();
  });
  it('when a transport reviewer looks, then only projects needing transport and not yet reviewed by it this round are listed', () => {
    const viewer = { role: 'reviewer', dept: 'transport', mspId: 'HousingMSP' };
    const list = awaiting(viewer, [
      project('needs-us'),
      project('not-ours', { requiredDepartments: ['housing'] }),
      project('done', { reviews: [{ dept: 'transport', round: 1 } as Project['reviews'][number]] }),
      project('reviewed-last-round', {
        round: 2,
        reviews: [{ dept: 'transport', round: 1 } as Project['reviews'][number]],
      }),
    ]);
    expect(list.map((p) => p.id)).toEqual(['needs-us', 'reviewed-last-round']);
  });
  it('when deadlines differ, then the soonest comes first and a stopped clock (no deadline) last', () => {
    const viewer = { role: 'director', dept: 'housing', mspId: 'HousingMSP' };
    const list = awaiting(viewer, [
      project('late', { deadline: '2026-12-20' }),
      project('stopped', { deadline: null }),
      project('soon', { deadline: '2026-12-07' }),
    ]);
    expect(list.map((p) => p.id)).toEqual(['soon', 'late', 'stopped']);
  });
});
