import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { paths } from '../api/schema';

type Json<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;
/** A works contract as the read model shows it. */
export type Contract = Json<'/v1/contracts/{id}'>;
/** A milestone of a contract. */
export type Milestone = Json<'/v1/contracts/{id}/milestones'>['items'][number];
/** A payout. */
export type Payout = Json<'/v1/payouts'>['items'][number];
/** A committed overpayment refusal (资金预警). */
export type PaymentAlert = Json<'/v1/payment-alerts'>['items'][number];

const must = <T>(r: { data?: T; error?: unknown }): T => {
  if (r.data === undefined) throw new Error(JSON.stringify(r.error));
  return r.data;
};

/**
 * Everything a contract page shows, read through the API (query keys `contract`, `payouts`, `payment-alerts`, which
 * the live connection marks stale when a contract or payment event arrives).
 */
export function useContract(id: string) {
  const contract = useQuery({
    queryKey: ['contract', id],
    queryFn: async () => must(await api.GET('/v1/contracts/{id}', { params: { path: { id } } })),
  });
  const projectId = contract.data?.projectId;
  const milestones = useQuery({
    queryKey: ['contract', id, 'milestones'],
    queryFn: async () =>
      must(await api.GET('/v1/contracts/{id}/milestones', { params: { path: { id }, query: { limit: 100 } } })).items,
  });
  const payouts = useQuery({
    queryKey: ['payouts', 'project', projectId],
    enabled: projectId !== undefined,
    queryFn: async () =>
      must(await api.GET('/v1/payouts', { params: { query: { projectId: projectId!, limit: 100 } } })).items,
  });
  const alerts = useQuery({
    queryKey: ['payment-alerts', id],
    queryFn: async () =>
      must(await api.GET('/v1/payment-alerts', { params: { query: { contractId: id, limit: 100 } } })).items,
  });
  const project = useQuery({
    queryKey: ['project', projectId],
    enabled: projectId !== undefined,
    queryFn: async () => must(await api.GET('/v1/projects/{id}', { params: { path: { id: projectId! } } })),
  });
  return { contract, milestones, payouts, alerts, project };
}
