import { z } from 'zod';
import { ALERT_TYPES, PROJECT_STATUSES } from '@luohu/domain';
import type { DomainDeps, DomainModule } from '../domain-deps';
import type { Role } from '../identity/models';
import { DashboardQuery } from './dashboard-query';

/** Who sees the district's figures: the directors (领导) and the auditors. */
export const DASHBOARD_ROLES: readonly Role[] = ['director', 'auditor'];

const spread = z
  .strictObject({ count: z.number(), median: z.number().nullable(), p90: z.number().nullable() })
  .describe('count, median and 90th percentile (nearest rank); null when count is 0');
const share = z
  .strictObject({ of: z.number(), count: z.number(), percent: z.number().nullable() })
  .describe('count of `of`, and the percentage (one decimal; null when `of` is 0)');
const counts = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<T[number], z.ZodNumber>);

const dashboard = z.strictObject({
  computedAt: z.string().describe('ISO-8601: when these figures were computed from the read model'),
  approval: z.strictObject({
    approvalWorkingDays: spread.describe(
      'working days from application to decision, less the working days stopped for correction (补正)',
    ),
    reviewsOnTime: share.describe('department reviews given no later than the deadline in force'),
    byStatus: counts(PROJECT_STATUSES),
  }),
  contractPerformance: share.describe('milestones due by today accepted no later than their planned date'),
  payouts: z.strictObject({
    refusedByRule: z.number().describe('payout requests the chaincode refused by a cap rule (overpayment alerts)'),
    withoutAcceptedMilestone: z.number().describe('approved or paid payouts without an accepted milestone: must be 0'),
    paid: z.number(),
    daysToBank: spread.describe('days from milestone acceptance to the bank’s confirmation'),
  }),
  safety: z.strictObject({
    byType: counts(ALERT_TYPES),
    open: z.number().describe('alerts not yet resolved'),
    perProject: z.number().nullable().describe('alerts per project that has any'),
    hoursToResolve: spread,
  }),
  complaints: z.strictObject({
    responseHours: spread.describe('hours from receipt to dispatch'),
    answeredOnTime: share.describe('answers given no later than the unit’s deadline'),
    satisfaction: share.describe('ratings of 4 or 5 (of 5), of the complaints rated'),
  }),
  subdistricts: z.array(
    z.strictObject({
      code: z.string(),
      projects: z.number(),
      deviation: z.number().nullable().describe('mean of the latest actual − planned progress, in points'),
    }),
  ),
});

/** GET /v1/dashboard: the district's figures for directors and auditors. */
export function dashboardRoutes({ routes, readModel }: DomainDeps): DomainModule {
  const query = new DashboardQuery(readModel);
  routes.add(
    {
      method: 'get',
      path: '/dashboard',
      response: dashboard,
      tag: 'dashboard',
      access: DASHBOARD_ROLES,
      summary:
        'The leaders’ dashboard (领导驾驶舱): approval time, reviews on time, contract performance, payout integrity, ' +
        'safety, complaints and schedule by subdistrict — computed from the read model, at most 10 s old',
    },
    async () => query.get(),
  );
  return {};
}
