/**
 * Shared set-up for the chaincode integration tests on the suite's own Fabric network (brought up by the root hook in
 * network/test/support/hooks.ts): the cast of users enrolled from the bureaus' CAs with their role/dept attributes,
 * a submit helper that waits until EVERY peer has committed the transaction (so the next endorsement, whichever
 * peers discovery picks, reads the new state), refusal and event helpers, and a few ledger set-up journeys.
 */
import { decodeRefusal } from '@luohu/domain';
import crypto from 'node:crypto';
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { ChaincodeEvent, Gateway, GatewayError, Network, Transaction } from '@hyperledger/fabric-gateway';
import { connectAs, EnrolledUser, orgByMsp, peerClient, registerAndEnroll } from '../../network/src/client';
import { connection } from '../../network/test/support/suite-network';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../src/registry/credit-code';

export const HOUSING = 'HousingMSP';
export const FINANCE = 'FinanceMSP';
export const AUDIT = 'AuditMSP';
const BUREAUS = [HOUSING, FINANCE, AUDIT];

/**
 * Who is who: MSP and the CA attributes put into the enrollment certificate. People hold their own keys (the tests make
 * them; `custody=own`); the settlement desk, the camera and complaint intake are system identities a gateway runs.
 */
export const CAST = {
  admin: { msp: HOUSING, attrs: { role: 'admin', dept: 'housing', custody: 'own' } },
  clerk: { msp: HOUSING, attrs: { role: 'clerk', dept: 'housing', custody: 'own' } },
  housingReviewer: { msp: HOUSING, attrs: { role: 'reviewer', dept: 'housing', custody: 'own' } },
  transportReviewer: { msp: HOUSING, attrs: { role: 'reviewer', dept: 'transport', custody: 'own' } },
  financeReviewer: { msp: FINANCE, attrs: { role: 'reviewer', dept: 'finance', custody: 'own' } },
  director: { msp: HOUSING, attrs: { role: 'director', dept: 'housing', custody: 'own' } },
  inspector: { msp: HOUSING, attrs: { role: 'inspector', dept: 'quality', custody: 'own' } },
  finance: { msp: FINANCE, attrs: { role: 'finance', dept: 'finance', custody: 'own' } },
  settlement: { msp: FINANCE, attrs: { role: 'finance', dept: 'settlement', custody: 'gateway' } },
  auditor: { msp: AUDIT, attrs: { role: 'auditor', dept: 'audit', custody: 'own' } },
  contractor: { msp: HOUSING, attrs: { role: 'contractor', custody: 'own' } },
  device: { msp: HOUSING, attrs: { role: 'device', custody: 'gateway' } },
  intake: { msp: HOUSING, attrs: { role: 'clerk', dept: 'complaint_intake', custody: 'gateway' } },
  // A director whose key a gateway holds (a custodial integration): personal acts are refused to it.
  custodialDirector: { msp: HOUSING, attrs: { role: 'director', dept: 'housing', custody: 'gateway' } },
} as const;
export type Role = keyof typeof CAST;

const utf8 = new TextDecoder();
/** A short per-run suffix: the suite's ledger persists between runs. */
export const RUN = crypto.randomUUID().slice(0, 8);
export const uid = (prefix: string): string => `${prefix}-${RUN}-${crypto.randomUUID().slice(0, 6)}`;
/** The company of the cast's contractor (its certificate says so); it applies only for this contractor. */
export const CONTRACTOR_ID = `C-${RUN}`;
export const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');
/** A date far enough ahead for every working-day deadline and expiry the tests give. */
export const FUTURE = '2099-12-31';

let enrolled: Promise<Record<Role, EnrolledUser>> | undefined;

/** Registers and enrolls one user; a CA that times out under load is asked again under a fresh enrollment id. */
async function enrollOne(role: Role): Promise<EnrolledUser> {
  const { msp, attrs } = CAST[role];
  for (let attempt = 1; ; attempt++) {
    try {
      // The contractor acts for this run's company (CA attribute `company`), registered by qualifiedContractor.
      const company: Record<string, string> = role === 'contractor' ? { company: CONTRACTOR_ID } : {};
      return await registerAndEnroll(
        orgByMsp(connection(), msp),
        attempt === 1 ? `${role}-${RUN}` : `${role}-${RUN}-${attempt}`,
        { ...attrs, ...company },
      );
    } catch (err) {
      if (attempt >= 3 || !/timeout|ECONNRESET|ECONNREFUSED/i.test(String(err))) throw err;
    }
  }
}

/** Registers and enrolls the whole cast once per mocha process. */
function enrollCast(): Promise<Record<Role, EnrolledUser>> {
  enrolled ??= (async () => {
    const roles = Object.keys(CAST) as Role[];
    const users = await Promise.all(roles.map(enrollOne));
    return Object.fromEntries(roles.map((role, i) => [role, users[i]])) as Record<Role, EnrolledUser>;
  })();
  return enrolled;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Submitted<T = any> {
  result: T;
  txId: string;
  blockNumber: bigint;
  code: number;
  successful: boolean;
}

/** One user: a gateway to their own bureau's peer, plus one to every other peer to wait for commits there. */
export class Person {
  constructor(
    readonly role: Role,
    readonly user: EnrolledUser,
    private readonly gateways: Map<string, Gateway>,
  ) {}

  /** The gateway to the user's own bureau's peer. */
  get gateway(): Gateway {
    return this.gateways.get(this.user.mspId)!;
  }

  get network(): Network {
    return this.gateway.getNetwork(connection().channel);
  }

  private get others(): Gateway[] {
    return [...this.gateways].filter(([msp]) => msp !== this.user.mspId).map(([, gateway]) => gateway);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async evaluate<T = any>(namespace: string, fn: string, ...args: string[]): Promise<T> {
    return this.evaluateVia(this.user.mspId, namespace, fn, ...args);
  }

  /** A query through the peer of bureau `msp` (by default the gateway evaluates on that peer). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async evaluateVia<T = any>(msp: string, namespace: string, fn: string, ...args: string[]): Promise<T> {
    const network = this.gateways.get(msp)!.getNetwork(connection().channel);
    const bytes = await network.getContract(connection().chaincode, namespace).evaluateTransaction(fn, ...args);
    return JSON.parse(utf8.decode(bytes));
  }

  /** Endorses (by discovery, or by exactly `orgs`), submits, and waits for the commit on every peer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async submitRaw<T = any>(namespace: string, fn: string, args: string[], orgs?: string[]): Promise<Submitted<T>> {
    return this.submitEndorsed<T>(await this.endorse(namespace, fn, args, orgs));
  }

  /** Only the endorsement: the transaction is simulated against the state the endorsers hold now. */
  async endorse(namespace: string, fn: string, args: string[], orgs?: string[]): Promise<Transaction> {
    const contract = this.network.getContract(connection().chaincode, namespace);
    return contract.newProposal(fn, { arguments: args, ...(orgs ? { endorsingOrganizations: orgs } : {}) }).endorse();
  }

  /** Submits an endorsed transaction to ordering and waits until every peer has committed (or invalidated) it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async submitEndorsed<T = any>(transaction: Transaction): Promise<Submitted<T>> {
    const commit = await transaction.submit();
    const status = await commit.getStatus();
    await Promise.all(this.others.map((gateway) => gateway.newCommit(commit.getBytes()).getStatus()));
    return {
      result: JSON.parse(utf8.decode(transaction.getResult())),
      txId: status.transactionId,
      blockNumber: status.blockNumber,
      code: status.code,
      successful: status.successful,
    };
  }

  /** As submitRaw, and the transaction must have committed VALID. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async submit<T = any>(namespace: string, fn: string, args: string[], orgs?: string[]): Promise<Submitted<T>> {
    const submitted = await this.submitRaw<T>(namespace, fn, args, orgs);
    expect(
      submitted.code,
      `${namespace}:${fn} by ${this.role} committed with validation code ${submitted.code}`,
    ).to.equal(0);
    return submitted;
  }

  /** Every record of a paginated list query (`…, pageSize, bookmark` are appended), following the bookmarks. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async listAll<T = any>(namespace: string, fn: string, ...args: string[]): Promise<T[]> {
    const records: T[] = [];
    for (let bookmark = ''; ;) {
      const page = await this.evaluate<{ records: T[]; fetched: number; bookmark: string }>(
        namespace,
        fn,
        ...args,
        '200',
        bookmark,
      );
      records.push(...page.records);
      if (page.fetched < 200 || !page.bookmark || page.bookmark === bookmark) return records;
      bookmark = page.bookmark;
    }
  }

  /** The X.509 id (`x509::/…/CN=…::/…`) the chaincode sees for this user. */
  async fabricId(): Promise<string> {
    return (await this.evaluate<{ id: string }>('registry', 'whoAmI')).id;
  }
}

export type People = Record<Role, Person> & { close(): void };

/** Opens a gateway per user (enrolling the cast on first use); call `close()` in `after()`. */
export async function openCast(): Promise<People> {
  const users = await enrollCast();
  const description = connection();
  const clients = new Map<string, grpc.Client>(BUREAUS.map((msp) => [msp, peerClient(orgByMsp(description, msp))]));
  const gateways: Gateway[] = [];
  const open = (user: EnrolledUser, msp: string) => {
    const gateway = connectAs(user, clients.get(msp)!);
    gateways.push(gateway);
    return gateway;
  };
  const people = Object.fromEntries(
    (Object.keys(users) as Role[]).map((role) => {
      const user = users[role];
      return [role, new Person(role, user, new Map(BUREAUS.map((msp) => [msp, open(user, msp)])))];
    }),
  ) as Record<Role, Person>;
  return Object.assign(people, {
    close() {
      gateways.forEach((g) => g.close());
      clients.forEach((c) => c.close());
    },
  });
}

/**
 * The chaincode's refusal text as the client sees it: the error message plus every endorser's detail, each refusal
 * decoded (`[code] sentence`) as the gateway decodes it.
 */
export function refusalText(err: unknown): string {
  const readable = (message: string) =>
    message.replace(/chaincode response (\d+), (\{.*\})$/s, (whole, status: string, json: string) => {
      const refusal = decodeRefusal(json);
      return refusal ? `chaincode response ${status}, [${refusal.code}] ${refusal.message}` : whole;
    });
  if (err instanceof GatewayError) {
    return [err.message, ...err.details.map((d) => `${d.mspId}@${d.address}: ${readable(d.message)}`)].join('\n');
  }
  return String(err instanceof Error ? err.message : err);
}

/** The call must be refused at endorsement (EndorseError) with a message matching `rule`. */
export async function expectRefused(call: Promise<unknown>, rule: RegExp): Promise<string> {
  let error: unknown;
  try {
    await call;
  } catch (err) {
    error = err;
  }
  expect(error, `expected a refusal matching ${rule}`).to.be.instanceOf(Error);
  expect((error as Error).name, refusalText(error)).to.equal('EndorseError');
  const text = refusalText(error);
  expect(text).to.match(rule);
  return text;
}

export interface SeenEvent {
  name: string;
  txId: string;
  blockNumber: bigint;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
}

/**
 * Reads chaincode events from `startBlock` until one has been seen for each of `until` (or the timeout passes);
 * returns the events of those transactions and of `watch` (transactions whose events must be checked too).
 */
export async function eventsOf(
  network: Network,
  startBlock: bigint,
  until: string[],
  watch: string[] = [],
  timeoutMs = 20_000,
): Promise<SeenEvent[]> {
  const wanted = new Set(until);
  const kept = new Set([...until, ...watch]);
  const seen: SeenEvent[] = [];
  const events = await network.getChaincodeEvents(connection().chaincode, { startBlock });
  const timer = setTimeout(() => events.close(), timeoutMs);
  try {
    for await (const event of events as AsyncIterable<ChaincodeEvent>) {
      if (!kept.has(event.transactionId)) continue;
      seen.push({
        name: event.eventName,
        txId: event.transactionId,
        blockNumber: event.blockNumber,
        payload: JSON.parse(utf8.decode(event.payload)),
      });
      wanted.delete(event.transactionId);
      if (wanted.size === 0) break;
    }
  } catch (err) {
    if (!/cancel/i.test(String(err))) throw err; // closing the stream on timeout cancels it
  } finally {
    clearTimeout(timer);
    events.close();
  }
  return seen;
}

/** A query must fail with a message matching `rule` (queries fail as GatewayError, not EndorseError). */
export async function expectQueryFails(call: Promise<unknown>, rule: RegExp): Promise<void> {
  let error: unknown;
  try {
    await call;
  } catch (err) {
    error = err;
  }
  expect(error, `expected the query to fail with ${rule}`).to.be.instanceOf(Error);
  expect(refusalText(error)).to.match(rule);
}

/** Every file the approval check requires for a project type (as in chaincode/src/approval/approval.ts). */
export function filesFor(type: 'building' | 'road', omit?: string): Array<{ kind: string; sha256: string }> {
  const kinds = [
    'application_form',
    'budget_estimate',
    'feasibility_study',
    'land_use_permit',
    type === 'road' ? 'traffic_impact_assessment' : 'construction_drawings',
  ];
  return kinds.filter((k) => k !== omit).map((kind) => ({ kind, sha256: sha256(`${kind}-${RUN}`) }));
}

/** A valid, random 统一社会信用代码 (GB 32100-2015 check character): the ledger refuses duplicates and bad check digits. */
export function creditCode(): string {
  const first17 = `9144030${Array.from(crypto.randomBytes(10), (b) => CREDIT_CODE_ALPHABET[b % 31]).join('')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** An uploaded file, anchored for the contractor's company as the gateway's upload route does. */
export async function anchorFile(people: People, sha: string): Promise<void> {
  await people.contractor.submit('approval', 'anchorApplicationFile', [
    JSON.stringify({ sha256: sha, size: 2048, contentType: 'application/pdf' }),
  ]);
}

let contractorReady: Promise<string> | undefined;

/**
 * The Housing admin registers the cast contractor's company (CONTRACTOR_ID) with a grade-1 qualification for building
 * and road works, and the contractor uploads the files of both (once per mocha process).
 */
export function qualifiedContractor(people: People): Promise<string> {
  contractorReady ??= (async () => {
    const id = CONTRACTOR_ID;
    await people.admin.submit('registry', 'registerContractor', [
      JSON.stringify({ id, name: `深圳某建设集团 ${id}`, creditCode: creditCode() }),
    ]);
    await people.admin.submit('registry', 'addQualification', [
      id,
      JSON.stringify({ licenceNo: `L-${id}`, grade: 'grade1', scope: ['building', 'road'], expiry: FUTURE }),
    ]);
    const shas = new Set([...filesFor('road'), ...filesFor('building')].map((f) => f.sha256));
    await Promise.all([...shas].map((sha) => anchorFile(people, sha)));
    return id;
  })();
  return contractorReady;
}

export function application(
  id: string,
  contractorId: string,
  type: 'building' | 'road' = 'building',
  budget = 2_000_000_000,
  omit?: string,
): string {
  return JSON.stringify({
    id,
    name: `罗湖区工程 ${id}`,
    type,
    budget,
    location: '罗湖区东门街道',
    contractorId,
    files: filesFor(type, omit),
  });
}

/** A building project of 2000万元 (housing reviews alone), applied for and approved: ready for a contract. */
export async function approvedProject(people: People, contractorId: string): Promise<string> {
  const id = uid('P');
  await people.contractor.submit('approval', 'applyForProject', [application(id, contractorId), FUTURE]);
  await people.clerk.submit('approval', 'passPreReview', [id, FUTURE]);
  await people.housingReviewer.submit('approval', 'reviewProject', [id, 'approve', '符合规划']);
  await people.director.submit('approval', 'approveProject', [id, '同意立项']);
  return id;
}
