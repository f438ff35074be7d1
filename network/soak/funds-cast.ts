import crypto from 'node:crypto';
import { bureauAdmin, enrollPerson, must, type Cast } from './cast';
import type { ReplicaClient } from './writers';

/** Who takes part in payouts: Housing's director and an inspector, Finance's payout officer; and the approved project. */
export interface PayoutCast {
  director: ReplicaClient;
  inspector: ReplicaClient;
  finance: ReplicaClient;
  clerk: ReplicaClient;
  /** The project contracts are signed for (the devices' site, approved here). */
  projectId: string;
  company: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One setup step by `who`, tried again a few times: the peer that endorses it may be a block behind the one that
 * committed the step before (a new key each time: a refused key is answered with the same refusal).
 */
async function settle(what: string, who: ReplicaClient, path: string, body: unknown) {
  for (let attempt = 1; ; attempt++) {
    await sleep(1_500);
    const res = who.request('POST', path, body, { 'Idempotency-Key': crypto.randomUUID() });
    if (attempt === 4) return must(what, res);
    if ((await res).status === 201) return res;
  }
}

/**
 * The people of payouts, and the site project taken to approval (pre-review by the clerk, reviews by Housing and
 * transport, the director's decision) so that contracts can be signed for it.
 */
export async function enrollPayouts(
  cast: Cast,
  baseUrls: string[],
  adminPassword: string,
  runId: string,
): Promise<PayoutCast> {
  const housing = await bureauAdmin(baseUrls[0], 'housing', adminPassword);
  const financeAdmin = await bureauAdmin(baseUrls[0], 'finance', adminPassword);
  const name = (who: string) => `soak-${runId}-${who}`;
  const director = await enrollPerson(
    housing,
    baseUrls,
    { username: name('director'), role: 'director', dept: 'housing' },
    0,
  );
  const reviewers = await Promise.all(
    ['housing', 'transport'].map((dept, i) =>
      enrollPerson(housing, baseUrls, { username: name(`reviewer-${dept}`), role: 'reviewer', dept }, i),
    ),
  );
  const finance = await enrollPerson(
    financeAdmin,
    baseUrls,
    { username: name('finance'), role: 'finance', dept: 'finance' },
    1,
  );
  const project = `/v1/projects/${cast.siteProject}`;
  await settle('pre-review the site project', cast.clerk, `${project}/pre-review`, undefined);
  for (const reviewer of reviewers)
    await settle(`review by ${reviewer.username}`, reviewer, `${project}/reviews`, {
      opinion: 'approve',
      reason: '浸泡测试：同意立项',
    });
  await settle('approve the site project', director, `${project}/decision`, {
    decision: 'approve',
    reason: '浸泡测试：批准',
  });
  return {
    director,
    inspector: cast.inspectors[0],
    finance,
    clerk: cast.clerk,
    projectId: cast.siteProject,
    company: cast.company,
  };
}
