import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { ROLES, type Role } from '../src/identity/models';
import { api, gatewayUnderTest, newUser, operatorAuth, TestGateway, TestUser } from './support/gateway';
import {
  allows,
  HttpRequest,
  isRole,
  label,
  malformedRequests,
  Operation,
  operationsOf,
  requestOf,
  table,
  urlOf,
  WellFormed,
  wellFormed,
  wellFormedCandidates,
} from './support/route-catalogue';

/**
 * Cross-cutting contract of the whole API, driven by the gateway's own OpenAPI document: every mounted route is
 * documented, every route refuses malformed input with a 4xx and changes nothing, and every role is let in or
 * refused as documented. A route added later is covered here without editing this file.
 */

const RUNS_PER_ROUTE = Number(process.env.CONTRACT_RUNS ?? 20);
/** A route that hangs is a failure of its own, named, instead of a stuck suite. */
const REQUEST_TIMEOUT_MS = 30_000;
const progress = (text: string) => {
  if (process.env.CONTRACT_PROGRESS) process.stderr.write(`        … ${text}\n`);
};
const GATEWAY_ROLE_REFUSAL = /^this action needs role /;
/** The chaincode's refusal of the caller's role or MSP (chaincode/src/shared/access.ts, authorize). */
const CHAINCODE_ROLE_REFUSAL = /^access denied: [\w.]+ is not allowed for role /;
/**
 * Routes that answer 403 to a role they list, by a rule about the request rather than the role, with the exact refusal:
 * any other 403 to a listed role is reported. Keep this list short, each entry with its reason.
 */
const RULE_REFUSALS: ReadonlyArray<{
  route: string;
  roles: 'every role the route lists' | readonly Role[];
  message: RegExp;
  reason: string;
}> = [
  {
    route: 'POST /v1/users/me/password',
    roles: 'every role the route lists',
    message: /^access denied: the current password is wrong$/,
    reason: "the matrix sends a made-up current password: the gateway's password check refuses it, whatever the role",
  },
];
const refusedByRule = (op: Operation, c: Caller, message: string) =>
  RULE_REFUSALS.find(
    (r) =>
      r.route === label(op) &&
      (r.roles === 'every role the route lists' || (c !== null && r.roles.includes(c))) &&
      r.message.test(message),
  )?.route;
type Caller = Role | null;
/** Roles that sign in; a device has no password and no session (it signs each request itself), so it calls as no one. */
const SESSION_ROLES = ROLES.filter((r) => r !== 'device');

interface LedgerState {
  heights: string;
  operations: number;
}

async function ledgerState(g: TestGateway): Promise<LedgerState> {
  const ready = await api(g).get('/readyz').set(operatorAuth());
  const peers = (ready.body.peers ?? []) as { mspId: string; height?: number }[];
  return {
    heights: peers.map((p) => `${p.mspId}:${p.height ?? '?'}`).join(' '),
    operations: await g.connection.collection('operations').countDocuments(),
  };
}

/** Other suites may leave writes committing in the background: wait until the ledger and the operations are still. */
async function settledState(g: TestGateway): Promise<LedgerState> {
  let last = await ledgerState(g);
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 750));
    const now = await ledgerState(g);
    if (now.heights === last.heights && now.operations === last.operations) return now;
    last = now;
  }
  return last;
}

function send(
  g: TestGateway,
  op: Operation,
  req: HttpRequest,
  user: TestUser | undefined,
  headers: Record<string, string> = {},
) {
  let call = api(g)[op.method](req.url).timeout(REQUEST_TIMEOUT_MS).set(headers);
  if (user) call = call.set('authorization', `Bearer ${user.token}`);
  if (req.body) call = call.set('content-type', req.body.contentType).send(req.body.raw);
  return call;
}

/** The platform's error body: { error: { code, message, details?, transactionId? } }, as JSON. */
function stableErrorBody(res: Response): string | undefined {
  if (!/application\/json/.test(String(res.headers['content-type'])))
    return `content-type ${res.headers['content-type']}`;
  const e = res.body?.error;
  if (!e || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string' || !e.message)
    return `body ${JSON.stringify(res.body).slice(0, 200)}`;
  return undefined;
}

/**
 * An anchored route checks the Idempotency-Key after the body, path and query, and before anything is written: a
 * candidate answered "Idempotency-Key must be …" is well-formed, and nothing happened. Other routes cannot be probed
 * without acting, so their first candidate is taken on trust ('unverified').
 */
async function probeWellFormed(
  g: TestGateway,
  op: Operation,
  user: TestUser | undefined,
): Promise<{ w: WellFormed; verdict: 'valid' | 'unverified' | 'not found' }> {
  const candidates = wellFormedCandidates(op);
  if (!op.anchored) return { w: candidates[0], verdict: 'unverified' };
  for (const w of candidates) {
    const res = await send(g, op, requestOf(op, w), user, { 'Idempotency-Key': 'x'.repeat(201) });
    if (res.status === 400 && /^Idempotency-Key/.test(res.body?.error?.message ?? '')) return { w, verdict: 'valid' };
  }
  return { w: candidates[0], verdict: 'not found' };
}

const brief = (res: Response) => `${res.status} ${JSON.stringify(res.body).slice(0, 240)}`;

describe('API contract (every route, from the OpenAPI document)', function () {
  this.timeout(20 * 60_000);
  let g: TestGateway;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>> };
  let ops: Operation[];
  const users = new Map<Role, TestUser>();

  before(async () => {
    g = await gatewayUnderTest();
    doc = (await api(g).get('/openapi.json').expect(200)).body;
    ops = operationsOf(doc).sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    for (const role of SESSION_ROLES) users.set(role, await newUser(g, role));
  });

  const userOf = (caller: Caller) => (caller ? users.get(caller)! : undefined);

  describe('OpenAPI coverage', () => {
    it('when the server mounts its routes, then every mounted method and path is in /openapi.json and nothing documented is missing', () => {
      /** Every route layer's method and full path, in mounting order. */
      const layers: string[] = [];
      /** Routers whose mount path is not one plain string: their routes' paths would be guessed, so the walk fails instead. */
      const unresolved: string[] = [];
      type Layer = {
        route?: { path: string; methods: Record<string, boolean> };
        handle?: { stack?: Layer[] };
        rawPath?: unknown;
        name?: string;
      };
      const walk = (stack: Layer[], prefix: string) => {
        for (const layer of stack) {
          if (layer.route) {
            for (const m of Object.keys(layer.route.methods))
              if (m !== '_all') layers.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
          } else if (layer.handle?.stack) {
            if (typeof layer.rawPath !== 'string')
              unresolved.push(`${prefix} ${layer.name ?? '?'} at ${JSON.stringify(layer.rawPath)}`);
            else walk(layer.handle.stack, prefix + layer.rawPath.replace(/\/$/, ''));
          }
        }
      };
      const router = (g.app as unknown as { router?: { stack?: Layer[] } }).router;
      expect(router?.stack, 'the application router (Express 5 app.router) to walk').to.be.an('array').that.is.not
        .empty;
      walk(router!.stack!, '');
      const mounted = new Set(layers);
      const infrastructure = new Set(['GET /openapi.json', 'GET /healthz', 'GET /readyz', 'GET /metrics']);
      const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`));
      const undocumented = [...mounted].filter((r) => !documented.has(r) && !infrastructure.has(r));
      const unmounted = [...documented].filter((r) => !mounted.has(r));
      console.log(
        `      ${mounted.size} mounted routes (${infrastructure.size} infrastructure), ${documented.size} documented operations`,
      );
      expect(unresolved, 'routers mounted at a path the walk cannot follow').to.deep.equal([]);
      expect(undocumented, 'mounted but not in /openapi.json').to.deep.equal([]);
      expect(unmounted, 'documented but not mounted').to.deep.equal([]);
      // The walk found the routes themselves, at their full paths: the infrastructure (excluded above, so a missing one
      // would go unnoticed), well-known operations, and exactly one mounted route per documented operation.
      expect(
        [...infrastructure].filter((r) => !mounted.has(r)),
        'infrastructure routes the walk did not find',
      ).to.deep.equal([]);
      for (const known of [
        'GET /v1/projects/:id',
        'POST /v1/projects',
        'POST /v1/batch-anchors',
        'POST /v1/sessions',
        'POST /v1/users/:username/revocation',
      ]) {
        expect(mounted.has(known), `the walk found ${known}`).to.equal(true);
      }
      // An anchored write is matched, before its handler, by the overload shedder's and the admission gate's routers too
      // (operations/admission.ts: middleware on its method and path that calls next()), so it has three route layers;
      // every other route one. A count off by one is a missing handler (the gates alone still look "mounted") or a
      // route mounted twice (the later one never answers).
      const anchored = new Set(
        ops.filter((o) => o.anchored).map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`),
      );
      const expectedLayers = (r: string) => (anchored.has(r) ? 3 : 1);
      const miscounted = [...documented, ...infrastructure]
        .map((r) => ({ r, n: layers.filter((l) => l === r).length }))
        .filter(({ r, n }) => n !== expectedLayers(r))
        .map(({ r, n }) => `${r}: ${n} route layers, expected ${expectedLayers(r)}`);
      expect(miscounted).to.deep.equal([]);
      expect(anchored.size).to.be.greaterThan(20);
      expect(mounted.size).to.equal(documented.size + infrastructure.size);
      expect(layers.length).to.equal(documented.size + infrastructure.size + 2 * anchored.size);
      expect(documented.size).to.be.greaterThan(50);
    });

    it('when each documented operation is called, then it answers from its route (never 404 "no route") without writing anything', async () => {
      const before = await settledState(g);
      const noRoute: string[] = [];
      for (const op of ops) {
        const w = wellFormed(op);
        // No session, and an empty body for writes: enough to reach the route, never enough to change anything.
        const req: HttpRequest = {
          url: urlOf(op, w.params, w.query),
          what: 'probe',
          ...(op.method === 'get' ? {} : { body: { raw: '{}', contentType: 'application/json' } }),
        };
        const res = await send(g, op, req, undefined);
        if (res.status === 404 && /^no route /.test(res.body?.error?.message ?? ''))
          noRoute.push(`${label(op)} → ${brief(res)}`);
        if (res.status >= 500) noRoute.push(`${label(op)} → ${brief(res)} (5xx)`);
      }
      expect(noRoute).to.deep.equal([]);
      expect(await ledgerState(g)).to.deep.equal(before);
    });

    it('when a route is an anchored write, then it documents Idempotency-Key, Prefer: respond-async, 202 and 409; every write that is not anchored says why', () => {
      // Writes that are not one ledger transaction signed by the caller (so no Idempotency-Key) — each for a reason.
      const notAnchored: Record<string, string> = {
        'POST /v1/sessions': 'sign-in: database only',
        'POST /v1/sessions/challenges': 'a one-time sign-in challenge: database only',
        'DELETE /v1/sessions/current': 'sign-out: database only',
        'POST /v1/users/me/password': 'a password change: database only',
        'POST /v1/users': 'registration with the CA, not the ledger',
        'POST /v1/users/{username}/revocation':
          'revocation with the CA, then its CRL into the channel configuration (a config update signed by the bureau admin)',
        'POST /v1/uploads': 'files go to GridFS; the ledger gets their hash through POST /documents',
        'POST /v1/sealed-documents':
          'a draft PDF into GridFS; each signature is anchored through POST /sealed-documents/{id}/signatures',
        'POST /v1/verifications': 'a check of an uploaded file against the ledger: nothing is written',
        'POST /v1/risk-model/assessment': 'a computation: nothing is written',
        'POST /v1/bank/notifications':
          "the bank's callback: confirmed on the ledger by the gateway's own identity, idempotent by instruction",
        'POST /v1/open311/requests':
          'anonymous: submitted by the intake identity, Idempotency-Key honoured by the intake',
        'POST /v1/open311/requests/{id}/rating': 'anonymous: submitted by the intake identity with the receipt token',
        'POST /v1/open311/photos':
          "a citizen's photo into GridFS, named by its SHA-256 (the same bytes again are the same photo); the complaint names it",
        'POST /v1/payouts/{id}/bank-transfer':
          "an instruction to the bank, idempotent per payout; the ledger learns the outcome from the bank's notification",
        'POST /v1/reconciliation/runs':
          'reads the ledger and compares; writes only its run and findings to the database (409 while one runs)',
        'POST /v1/evidence/checkpoints':
          'reads the newest block from the ledger and keeps it as a checkpoint in the database',
        'POST /v1/enrollments':
          "a person's or device's certificate request, signed by its bureau's CA: nothing reaches the ledger",
        'POST /v1/enrollments/subject': 'checks a one-time code and names the subject to request: nothing is written',
        'POST /v1/users/{username}/enrollment-codes':
          "a new code at the CA and the old certificate's revocation, its CRL into the channel configuration",
        'POST /v1/alerts':
          'the device signs its own transaction: this prepares the proposal for it to sign (the alert ID is the idempotency key)',
        'POST /v1/transactions/{transactionId}/seal-signature':
          'completes a seal its author signed over a PDF: the anchoring is proposed next, nothing is committed yet',
        'POST /v1/transactions/{transactionId}/proposal-signature':
          'endorses a proposal its author signed: nothing is committed yet',
        'POST /v1/transactions/{transactionId}/transaction-signature':
          'submits a transaction its author signed, under the idempotency key its first step recorded',
      };
      const problems: string[] = [];
      for (const op of ops.filter((o) => o.method !== 'get')) {
        const names = ((op.raw.parameters ?? []) as { name: string; in: string }[])
          .filter((p) => p.in === 'header')
          .map((p) => p.name);
        if (op.anchored) {
          if (!names.includes('Prefer')) problems.push(`${label(op)}: anchored without the Prefer header`);
          for (const status of ['202', '409', '503'])
            if (!(status in op.responses)) problems.push(`${label(op)}: anchored without a documented ${status}`);
        } else if (!notAnchored[label(op)]) {
          problems.push(`${label(op)}: a write without Idempotency-Key, and not a known non-ledger write`);
        }
      }
      for (const known of Object.keys(notAnchored)) {
        const op = ops.find((o) => label(o) === known);
        if (op?.anchored)
          problems.push(`${known}: listed as not anchored but documents Idempotency-Key (update this list)`);
      }
      expect(problems).to.deep.equal([]);
    });

    it('when an operation is documented, then it has a summary, a tag, the error body for 400 and, unless public, 401 and 403 and known roles', () => {
      const problems: string[] = [];
      for (const op of ops) {
        if (!op.raw.summary) problems.push(`${label(op)}: no summary`);
        if (!(op.raw.tags as string[] | undefined)?.length) problems.push(`${label(op)}: no tag`);
        if (!('400' in op.responses)) problems.push(`${label(op)}: no 400`);
        if (op.access !== 'public' && !('401' in op.responses && '403' in op.responses))
          problems.push(`${label(op)}: no 401/403`);
        if (Array.isArray(op.access))
          for (const r of op.access) if (!isRole(r)) problems.push(`${label(op)}: unknown role ${r}`);
      }
      expect(problems).to.deep.equal([]);
    });

    it('when a browser opens /docs, then Swagger UI is served with the generated document', async () => {
      const page = await api(g).get('/docs/').expect(200);
      expect(page.headers['content-type']).to.match(/text\/html/);
      expect(page.text).to.match(/swagger-ui/i);
      const init = await api(g).get('/docs/swagger-ui-init.js').expect(200);
      for (const op of ops.slice(0, 10)) expect(init.text).to.include(`"${op.path}"`);
      const redirect = await api(g).get('/docs');
      expect([200, 301, 302]).to.include(redirect.status);
    });
    it("when the web app's copy of the API document is compared with what the gateway serves, then they are the same (else: npm run api:snapshot)", () => {
      const copy = JSON.parse(
        fs.readFileSync(path.join(__dirname, '..', '..', 'app', 'src', 'api', 'openapi.json'), 'utf8'),
      );
      expect(copy, 'app/src/api/openapi.json is stale: refresh it with npm run api:snapshot').to.deep.equal(doc);
    });
  });

  describe('malformed input (fast-check, every route that takes input)', () => {
    it('when any route gets a malformed body, path or query from a user allowed to call it, then it answers 4xx with the error body and nothing changes', async () => {
      const start = await settledState(g);
      const failures: string[] = [];
      const rows: string[][] = [];
      for (const op of ops) {
        const caller: Caller = op.access === 'public' ? null : op.access === 'user' ? 'clerk' : op.access[0];
        if (!op.body && !op.pathParams.length && !op.queryParams.length) continue;
        const baseline = await probeWellFormed(g, op, userOf(caller));
        const requests = malformedRequests(op, baseline.w);
        if (!requests) continue;
        const statuses = new Map<number, number>();
        progress(label(op));
        const before = await ledgerState(g);
        const details = await fc.check(
          fc.asyncProperty(requests, async (req) => {
            const res = await send(g, op, req, userOf(caller)).catch((err: Error) => {
              throw new Error(`${req.what}: ${req.url.slice(0, 160)} → ${err.message}`);
            });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status < 400 || res.status >= 500)
              throw new Error(`${req.what}: ${op.method.toUpperCase()} ${req.url.slice(0, 160)} → ${brief(res)}`);
            const bad = stableErrorBody(res);
            if (bad) throw new Error(`${req.what}: ${res.status} without the error body: ${bad}`);
            if (res.body.error.code === 'internal') throw new Error(`${req.what}: code internal`);
          }),
          {
            numRuns: RUNS_PER_ROUTE,
            endOnFailure: true,
            seed: Number(process.env.CONTRACT_SEED ?? Date.now() % 2 ** 31),
          },
        );
        if (details.failed)
          failures.push(
            `${label(op)} as ${caller ?? 'anonymous'}: ${(details.errorInstance as Error | undefined)?.message ?? fc.defaultReportMessage(details)} (seed ${details.seed}, path ${details.counterexamplePath})`,
          );
        const after = await ledgerState(g);
        if (JSON.stringify(after) !== JSON.stringify(before))
          failures.push(`${label(op)}: state changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
        rows.push([
          label(op),
          caller ?? 'anonymous',
          baseline.verdict,
          String(details.numRuns),
          [...statuses]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' '),
          details.failed ? 'FAIL' : 'ok',
        ]);
      }
      console.log(`\n${table(['route', 'as', 'mutated from', 'runs', 'answers', ''], rows)}\n`);
      expect(await ledgerState(g), 'ledger height or operations after the whole run').to.deep.equal(start);
      expect(rows.length).to.be.greaterThan(50);
      expect(failures, failures.join('\n')).to.deep.equal([]);
    });
  });

  describe('role × route matrix', () => {
    const callers: Caller[] = [null, ...SESSION_ROLES];
    const cells = new Map<string, string>();
    const cellKey = (op: Operation, c: Caller) => `${label(op)}|${c ?? 'none'}`;

    const probed = new Map<string, WellFormed>();
    /** Public writes are probed with an empty body: anonymous complaints, alerts and bank callbacks are not made up here. */
    const requestFor = (op: Operation): HttpRequest =>
      op.access === 'public' && op.method !== 'get'
        ? { ...requestOf(op, wellFormed(op)), body: { raw: '{}', contentType: 'application/json' }, what: 'empty' }
        : requestOf(op, probed.get(label(op)) ?? wellFormed(op));

    before(async () => {
      for (const op of ops.filter((o) => o.anchored && o.access !== 'public')) {
        probed.set(
          label(op),
          (await probeWellFormed(g, op, userOf(op.access === 'user' ? 'clerk' : (op.access as Role[])[0]))).w,
        );
      }
    });

    it('when a caller has no session or a role the route does not list, then it answers 401/403 with the error body and writes nothing', async () => {
      const before = await settledState(g);
      const problems: string[] = [];
      for (const op of ops) {
        if (op.access === 'public') continue;
        for (const c of callers.filter((x) => !allows(op, x))) {
          const res = await send(g, op, requestFor(op), userOf(c));
          const expected = c === null ? 401 : 403;
          cells.set(cellKey(op, c), res.status === expected ? `✗${res.status}` : `!${res.status}`);
          if (res.status !== expected)
            problems.push(`${label(op)} as ${c ?? 'no session'}: expected ${expected}, got ${brief(res)}`);
          else if (stableErrorBody(res)) problems.push(`${label(op)} as ${c ?? 'no session'}: ${stableErrorBody(res)}`);
          else if (c === null && res.headers['www-authenticate'] !== 'Bearer')
            problems.push(`${label(op)}: 401 without WWW-Authenticate: Bearer`);
          else if (
            c !== null &&
            (res.body.error.code !== 'forbidden' || !GATEWAY_ROLE_REFUSAL.test(res.body.error.message))
          )
            problems.push(`${label(op)} as ${c}: 403 not from the role check: ${brief(res)}`);
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
      expect(await ledgerState(g), 'nothing written by refused callers').to.deep.equal(before);
    });

    it("when a caller has a role the route lists (or the route is public), then the gateway lets it through, the chaincode does not refuse the role, and any refusal is the ledger's 4xx, never 5xx", async () => {
      const problems: string[] = [];
      const unanchoredReceipts: string[] = [];
      const excepted = new Set<string>();
      // Signing out ends the session the other calls use: last.
      const ordered = [
        ...ops.filter((o) => !(o.method === 'delete' && o.path.endsWith('/sessions/current'))),
        ...ops.filter((o) => o.method === 'delete' && o.path.endsWith('/sessions/current')),
      ];
      for (const op of ordered) {
        const allowed = callers.filter(
          (c) => allows(op, c) && !(op.access === 'public' && op.method !== 'get' && c !== null),
        );
        for (const c of allowed) {
          const res = await send(g, op, requestFor(op), userOf(c));
          const message: string = res.body?.error?.message ?? '';
          const gatewayRefusal = res.status === 403 && GATEWAY_ROLE_REFUSAL.test(message);
          const chaincodeRefusal = res.status === 403 && CHAINCODE_ROLE_REFUSAL.test(message);
          // Any other 403 to a listed role is a rule refusing this request: only the ones listed (with their reason) are expected.
          const exception =
            res.status === 403 && !gatewayRefusal && !chaincodeRefusal ? refusedByRule(op, c, message) : undefined;
          if (exception) excepted.add(exception);
          const ruleRefusal = res.status === 403 && !gatewayRefusal && !chaincodeRefusal && !exception;
          const mark =
            res.status >= 500 || gatewayRefusal || chaincodeRefusal || ruleRefusal || (res.status === 401 && c !== null)
              ? '!'
              : '✓';
          cells.set(cellKey(op, c), `${mark}${res.status}${chaincodeRefusal ? 'c' : exception ? 'r' : ''}`);
          if (chaincodeRefusal)
            problems.push(
              `${label(op)} as ${c}: the gateway lists the role, the chaincode refuses it (the two role lists drifted): ${brief(res)}`,
            );
          else if (ruleRefusal)
            problems.push(
              `${label(op)} as ${c ?? 'no session'}: 403 to a role the route lists, and not a known rule refusal (RULE_REFUSALS): ${brief(res)}`,
            );
          else if (mark === '!') problems.push(`${label(op)} as ${c ?? 'no session'}: ${brief(res)}`);
          else if (res.status >= 400 && stableErrorBody(res))
            problems.push(`${label(op)} as ${c ?? 'no session'}: ${stableErrorBody(res)}`);
          if (res.status < 300 && res.body?.operationId && res.body?.receipt !== undefined && !op.anchored)
            unanchoredReceipts.push(
              `${label(op)}: answered with an operation and receipt but documents no Idempotency-Key`,
            );
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
      expect(unanchoredReceipts).to.deep.equal([]);
      // An exception that no longer happens is stale: the list stays the refusals that really occur.
      expect(
        RULE_REFUSALS.filter((r) => !excepted.has(r.route)).map((r) => r.route),
        'RULE_REFUSALS entries no call needed',
      ).to.deep.equal([]);
    });

    after(function () {
      if (!ops) return;
      const rows = ops.map((op) => [
        label(op),
        op.access === 'public' ? 'public' : op.access === 'user' ? 'any user' : op.access.join(','),
        ...callers.map((c) => cells.get(cellKey(op, c)) ?? (allows(op, c) ? '·' : '')),
      ]);
      console.log(
        "\n      Role × route matrix: ✓ = past the gateway's access check (then the route/ledger answered that status; 403r = a listed rule refusal, RULE_REFUSALS),",
      );
      console.log(
        '      ✗ = refused by the gateway (401 no session, 403 role), · = allowed but not called (public writes are probed anonymously only), ! = wrong (!403c = the chaincode refused a role the route lists)\n',
      );
      console.log(table(['route', 'roles', 'none', ...SESSION_ROLES], rows));
    });
  });
});
