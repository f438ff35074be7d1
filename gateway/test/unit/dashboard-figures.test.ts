import { expect } from 'chai';
import { approvalFigures, bySubdistrict, type ProjectFacts } from '../../src/dashboard/approval-figures';
import { spread, workingDaysBetween } from '../../src/dashboard/measures';
import {
  complaintFigures,
  contractPerformance,
  payoutFigures,
  safetyFigures,
  type MilestoneFacts,
} from '../../src/dashboard/operations-figures';

/** A calendar of weekdays only (the real one adds holidays and 调休; the figures take whichever they are given). */
const weekdays = (day: string) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
// December 2026: the 7th and the 14th are Mondays.

describe('dashboard figures, each against a hand-computed fixture', () => {
  it('when working days are counted, then the start day does not count, the end day does, and weekends never', () => {
    expect(workingDaysBetween('2026-12-07', '2026-12-14', weekdays)).to.equal(5);
    expect(workingDaysBetween('2026-12-11', '2026-12-13', weekdays)).to.equal(0);
    expect(workingDaysBetween('2026-12-14', '2026-12-07', weekdays)).to.equal(0);
  });

  it('when spreads are taken, then median and p90 are nearest-rank values', () => {
    expect(spread([5, 2, 1])).to.deep.equal({ count: 3, median: 2, p90: 5 });
    expect(spread([])).to.deep.equal({ count: 0, median: null, p90: null });
  });

  it('when approval time is measured, then it runs in Shenzhen working days from application to decision, the clock stopped during 补正, undecided projects left out', () => {
    const projects: ProjectFacts[] = [
      {
        id: 'A',
        status: 'approved',
        createdAt: '2026-12-07T02:00:00Z',
        steps: [
          { step: 'apply', at: '2026-12-07T02:00:00Z', deadline: '2026-12-08' },
          { step: 'passPreReview', at: '2026-12-08T01:00:00Z', deadline: '2026-12-11' },
          { step: 'review', at: '2026-12-11T09:00:00Z' }, // 17:00 in Shenzhen on the 11th: on time
          { step: 'review', at: '2026-12-11T17:00:00Z' }, // 01:00 on the 12th in Shenzhen: late
          { step: 'approve', at: '2026-12-14T03:00:00Z' }, // 5 working days
        ],
      },
      {
        id: 'B',
        status: 'rejected',
        createdAt: '2026-12-07T02:00:00Z',
        clock: { stops: [{ stoppedAt: '2026-12-08T02:00:00Z', resumedAt: '2026-12-10T02:00:00Z' }] }, // 9th, 10th
        steps: [{ step: 'reject', at: '2026-12-11T02:00:00Z' }], // 4 working days − 2 stopped
      },
      {
        id: 'C',
        status: 'approved',
        createdAt: '2026-12-07T17:00:00Z', // the 8th in Shenzhen
        steps: [{ step: 'approve', at: '2026-12-09T15:00:00Z' }], // 23:00 on the 9th: 1 working day
      },
      { id: 'D', status: 'pre_review', createdAt: '2026-12-07T02:00:00Z', steps: [] },
    ];
    const figures = approvalFigures(projects, weekdays);
    expect(figures.approvalWorkingDays).to.deep.equal({ count: 3, median: 2, p90: 5 });
    expect(figures.reviewsOnTime).to.deep.equal({ of: 2, count: 1, percent: 50 });
    expect(figures.byStatus).to.include({ approved: 2, rejected: 1, pre_review: 1, correction: 0 });
  });

  const milestones: MilestoneFacts[] = [
    { contractId: 'K', id: 'M1', plannedDate: '2026-12-10', status: 'accepted', acceptedAt: '2026-12-10T15:00:00Z' },
    { contractId: 'K', id: 'M2', plannedDate: '2026-12-10', status: 'accepted', acceptedAt: '2026-12-10T17:00:00Z' },
    { contractId: 'K', id: 'M3', plannedDate: '2026-12-15', status: 'planned' },
    { contractId: 'K', id: 'M4', plannedDate: '2026-12-25', status: 'planned' },
    { contractId: 'K', id: 'M5', plannedDate: '2026-12-30', status: 'accepted', acceptedAt: '2026-12-18T00:00:00Z' },
  ];

  it('when contract performance is measured, then of the milestones due (or accepted early) it counts those accepted by their planned day in Shenzhen', () => {
    // Due: M1 (on time), M2 (the 11th in Shenzhen: late), M3 (not accepted), M5 (early). M4 is not due yet.
    expect(contractPerformance(milestones, '2026-12-20')).to.deep.equal({ of: 4, count: 2, percent: 50 });
  });

  it('when payouts are measured, then one approved without an accepted milestone is counted (it must stay 0 in life), and days to the bank run from acceptance', () => {
    const figures = payoutFigures(
      [
        {
          contractId: 'K',
          milestoneId: 'M1',
          status: 'paid',
          approvedAt: '2026-12-11T00:00:00Z',
          bankConfirmation: { confirmedAt: '2026-12-13T15:00:00Z' }, // 3 days after acceptance
        },
        { contractId: 'K', milestoneId: 'M4', status: 'approved', approvedAt: '2026-12-12T00:00:00Z' },
        { contractId: 'K', milestoneId: 'M3', status: 'rejected' },
        {
          contractId: 'K',
          milestoneId: 'M5',
          status: 'paid',
          approvedAt: '2026-12-18T06:00:00Z',
          bankConfirmation: { confirmedAt: '2026-12-19T12:00:00Z' }, // 1.5 days
        },
      ],
      milestones,
      2,
    );
    expect(figures).to.deep.equal({
      refusedByRule: 2,
      withoutAcceptedMilestone: 1,
      paid: 2,
      daysToBank: { count: 2, median: 1.5, p90: 3 },
    });
  });

  it('when safety is measured, then alerts are counted by type, open until resolved, per project that has any, with hours to resolve', () => {
    const figures = safetyFigures([
      {
        projectId: 'P-1',
        alertType: 'no_helmet',
        status: 'resolved',
        raisedAt: '2026-12-07T02:00:00Z',
        resolvedAt: '2026-12-07T04:30:00Z',
      },
      { projectId: 'P-1', alertType: 'no_helmet', status: 'open', raisedAt: '2026-12-07T05:00:00Z' },
      { projectId: 'P-2', alertType: 'fire_smoke', status: 'acknowledged', raisedAt: '2026-12-07T06:00:00Z' },
    ]);
    expect(figures.byType).to.include({ no_helmet: 2, fire_smoke: 1, dust: 0 });
    expect(figures).to.deep.include({ open: 2, perProject: 1.5, hoursToResolve: { count: 1, median: 2.5, p90: 2.5 } });
  });

  it('when complaints are measured, then response runs from receipt to dispatch, answers count on time by the Shenzhen day, and satisfaction is 4 or 5 of those rated', () => {
    const figures = complaintFigures([
      {
        status: 'closed',
        deadline: '2026-12-09',
        rating: { score: 5 },
        history: [
          { step: 'receive', at: '2026-12-07T00:00:00Z' },
          { step: 'dispatch', at: '2026-12-07T01:30:00Z' },
          { step: 'answer', at: '2026-12-09T03:00:00Z' },
        ],
      },
      {
        status: 'answered',
        deadline: '2026-12-10',
        rating: { score: 2 },
        history: [
          { step: 'receive', at: '2026-12-07T00:00:00Z' },
          { step: 'dispatch', at: '2026-12-07T00:30:00Z' },
          { step: 'answer', at: '2026-12-10T17:00:00Z' }, // the 11th in Shenzhen: late
        ],
      },
      {
        status: 'received',
        deadline: '2026-12-08',
        rating: null,
        history: [{ step: 'receive', at: '2026-12-07T00:00:00Z' }],
      },
    ]);
    expect(figures).to.deep.equal({
      responseHours: { count: 2, median: 0.5, p90: 1.5 },
      answeredOnTime: { of: 2, count: 1, percent: 50 },
      satisfaction: { of: 2, count: 1, percent: 50 },
    });
  });

  it('when projects are placed in subdistricts, then each goes to the nearest centre and carries its latest deviation', () => {
    const figures = bySubdistrict(
      [
        { id: 'P-DM', status: 'approved', createdAt: '', lat: 22.5472, lng: 114.1192 }, // by Dongmen's centre
        { id: 'P-LT', status: 'approved', createdAt: '', lat: 22.559, lng: 114.171 }, // by Liantang's
      ],
      [
        { projectId: 'P-DM', asOf: '2026-12-01', plannedPercent: 40, actualPercent: 30 },
        { projectId: 'P-DM', asOf: '2026-12-10', plannedPercent: 50, actualPercent: 46 },
      ],
    );
    expect(figures.find((f) => f.code === 'dongmen')).to.deep.equal({ code: 'dongmen', projects: 1, deviation: -4 });
    expect(figures.find((f) => f.code === 'liantang')).to.deep.equal({
      code: 'liantang',
      projects: 1,
      deviation: null,
    });
    expect(figures.find((f) => f.code === 'qingshuihe')).to.deep.equal({
      code: 'qingshuihe',
      projects: 0,
      deviation: null,
    });
    expect(figures).to.have.length(10);
  });
});
