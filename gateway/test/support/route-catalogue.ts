import crypto from 'node:crypto';
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/identity/models';

/**
 * The gateway's API as its own OpenAPI document describes it, turned into things a test can call: every operation
 * with its access rule, a well-formed (target-less) request, and fast-check arbitraries of malformed ones. Driven by
 * the document, so a route added tomorrow is covered by the contract tests without editing them.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}
export type Access = 'public' | 'user' | Role[];

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As documented: /v1/projects/{id}. */
  path: string;
  access: Access;
  anchored: boolean;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: JsonSchema;
  responses: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export const label = (op: Pick<Operation, 'method' | 'path'>) => `${op.method.toUpperCase()} ${op.path}`;

export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const parameters = (raw.parameters ?? []) as Parameter[];
      const security = raw.security as unknown[];
      const roles = /^Roles: (.*)$/m.exec(String(raw.description ?? ''))?.[1];
      const access: Access = roles ? (roles.split(', ') as Role[]) : security.length === 0 ? 'public' : 'user';
      const body = (raw.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      ops.push({
        method: method as Operation['method'],
        path,
        access,
        raw,
        body,
        anchored: parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        responses: raw.responses as Record<string, unknown>,
      });
    }
  }
  return ops;
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Who may call an operation, as documented (public and user-level routes: everybody / every signed-in role). */
export const allows = (op: Operation, role: Role | null): boolean =>
  op.access === 'public' || (role !== null && (op.access === 'user' || op.access.includes(role)));

// ---------------------------------------------------------------------------------------------------------------------
// Well-formed values: what each documented schema accepts, with ids that exist nowhere (target-less requests).

const run = crypto.randomBytes(3).toString('hex');
let counter = 0;
const fresh = (prefix: string) => `${prefix}-${run}-${(counter++).toString(36)}`;

/** Examples for the patterns the API uses; anything else is sampled from the regex itself. */
const PATTERN_EXAMPLES: Record<string, () => string> = {
  '^[A-Za-z0-9._:-]{1,128}$': () => fresh('ct'),
  '^[a-z][a-z0-9._-]{2,63}$': () => fresh('ctuser'),
  '^[a-z_]{2,40}$': () => 'housing',
  '^[a-z_]{2,64}$': () => 'site_plan',
  '^[A-Za-z0-9-]{8,64}$': () => crypto.randomUUID(),
  '^[0-9a-f]{64}$': () => crypto.randomBytes(32).toString('hex'),
  '^[0-9a-f]{20}$': () => crypto.randomBytes(10).toString('hex'), // a sealed document ID
  '^\\d{4}-\\d{2}-\\d{2}$': () => '2031-06-30',
  '^\\d{10,30}$': () => '6222020200112233445',
  '^-?\\d{1,3}(\\.\\d{1,12})?$': () => '22.5431',
  '^\\+?[0-9 -]{5,20}$': () => '13800138000',
  '^[1-5]$': () => '5',
  '^[0-9A-HJ-NPQRTUWXY]{18}$': () => '914403007084123456',
  '^[0-9A-Z]{18}$': () => '914403007084123456',
  '^[A-Za-z0-9._@-]{1,128}$': () => fresh('holder'),
  '^[A-Za-z0-9+/]+={0,2}$': () => Buffer.from('not really a signature').toString('base64'),
  '-----BEGIN PUBLIC KEY-----': () =>
    String(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' })),
};

function stringExample(s: JsonSchema): string {
  if (s.format === 'email') return 'citizen@example.com';
  if (s.format === 'uri') return 'https://example.com/evidence.jpg';
  if (s.format === 'date-time' || /T\\d\{2\}|\(\?:Z\|/.test(s.pattern ?? '')) return new Date().toISOString();
  let v: string;
  if (s.pattern) {
    const known = PATTERN_EXAMPLES[s.pattern];
    v = known ? known() : fc.sample(fc.stringMatching(new RegExp(s.pattern)), { numRuns: 1, seed: 7 })[0];
  } else {
    v = '合同测试文本 contract test text';
  }
  return fit(v, s);
}

function fit(v: string, s: JsonSchema): string {
  const min = s.minLength ?? 0;
  if (v.length < min) v = v.padEnd(min, 'x');
  if (s.maxLength !== undefined && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  return v;
}

function numberExample(s: JsonSchema): number {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : undefined);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : undefined);
  let v = 1;
  if (lo !== undefined && v < lo) v = lo;
  if (hi !== undefined && v > hi) v = hi;
  return s.type === 'integer' ? Math.ceil(v) : v;
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type[0] : s.type);

/** A value the schema accepts (required properties only), as far as JSON Schema can tell. */
export function example(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf) return example(s.anyOf[0]);
  if (s.oneOf) return example(s.oneOf[0]);
  switch (typeOf(s)) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, example(s.properties?.[k] ?? {})]));
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => example(s.items ?? {}));
    case 'string':
      return stringExample(s);
    case 'integer':
    case 'number':
      return numberExample(s);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'x';
  }
}

export interface HttpRequest {
  url: string;
  body?: { raw: string; contentType: string };
  what: string;
}

const encodeQuery = (q: [string, string][]) =>
  q.length ? `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';

export function urlOf(op: Operation, params: Record<string, string>, query: [string, string][] = []): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(params[name])) + encodeQuery(query);
}

export interface WellFormed {
  params: Record<string, string>;
  query: [string, string][];
  body?: unknown;
}

/** In a path or query, a free-form string is most often a record key (checked by code, not by a pattern): an id. */
const parameterExample = (s: JsonSchema) =>
  typeOf(s) === 'string' && !s.pattern && !s.enum && !s.format ? fit(fresh('ct'), s) : String(example(s));

/** A well-formed request that names no existing record: the route's checks run, and the ledger finds no target. */
export function wellFormed(op: Operation): WellFormed {
  const params = Object.fromEntries(op.pathParams.map((p) => [p.name, parameterExample(p.schema)]));
  const query = op.queryParams
    .filter((p) => p.required)
    .map((p): [string, string] => [p.name, parameterExample(p.schema)]);
  return { params, query, ...(op.body ? { body: example(op.body) } : {}) };
}

/**
 * Well-formed candidates, most likely first: required properties only, then each optional one added (rules across
 * fields, e.g. "a certificate or a public key", are invisible to JSON Schema), then all of them.
 */
export function wellFormedCandidates(op: Operation): WellFormed[] {
  const first = wellFormed(op);
  const body = op.body;
  if (!body || typeOf(body) !== 'object' || !body.properties) return [first];
  const optional = Object.keys(body.properties).filter((k) => !(body.required ?? []).includes(k));
  const withProps = (keys: string[]) => ({
    ...first,
    body: { ...(first.body as object), ...Object.fromEntries(keys.map((k) => [k, example(body.properties![k])])) },
  });
  return [first, ...optional.map((k) => withProps([k])), ...(optional.length > 1 ? [withProps(optional)] : [])];
}

export function requestOf(op: Operation, w: WellFormed, what = 'well-formed'): HttpRequest {
  return {
    url: urlOf(op, w.params, w.query),
    what,
    ...(op.body ? { body: { raw: JSON.stringify(w.body), contentType: 'application/json' } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Malformed values: each mutation alone makes the request invalid under the documented schema.

/** Whether a JSON value has a type (or enum value) the schema allows; constraints beyond that are not looked at. */
function typeAccepts(s: JsonSchema, v: unknown): boolean {
  if (s.const !== undefined) return v === s.const;
  if (s.enum) return s.enum.includes(v);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.some((a) => typeAccepts(a, v));
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type];
  if (!types) return true;
  return types.some((t) =>
    t === 'integer'
      ? Number.isInteger(v)
      : t === 'number'
        ? typeof v === 'number'
        : t === 'object'
          ? v !== null && typeof v === 'object' && !Array.isArray(v)
          : t === 'array'
            ? Array.isArray(v)
            : t === 'null'
              ? v === null
              : typeof v === t,
  );
}

const SAMPLE_VALUES: unknown[] = [null, true, false, 0, -7, 1.5, 'text', '', [], [1, 'a'], {}, { nested: { deep: 1 } }];

function numericOutOfRange(s: JsonSchema): number[] {
  const out: number[] = [];
  if (s.minimum !== undefined) out.push(s.minimum - 1, s.minimum - 1e6);
  if (s.exclusiveMinimum !== undefined) out.push(s.exclusiveMinimum, s.exclusiveMinimum - 1);
  if (s.maximum !== undefined) out.push(s.maximum + 1, s.maximum * 10 + 7);
  if (s.exclusiveMaximum !== undefined) out.push(s.exclusiveMaximum, s.exclusiveMaximum + 1);
  if ((s.minimum ?? s.exclusiveMinimum ?? -1) >= 0) out.push(-1, -123456789);
  if (typeOf(s) === 'integer') out.push(numberExample(s) + 0.5);
  return out.filter((n) => Number.isFinite(n));
}

/** Strings the schema refuses: too long, too short, not matching the pattern, not in the enum. */
function badStrings(s: JsonSchema): fc.Arbitrary<string> | undefined {
  const options: fc.Arbitrary<string>[] = [];
  const pattern = s.pattern ? new RegExp(s.pattern, 'u') : undefined;
  if (s.maxLength !== undefined)
    options.push(fc.integer({ min: s.maxLength + 1, max: s.maxLength + 300 }).map((n) => 'x'.repeat(n)));
  if (s.minLength !== undefined && s.minLength > 1)
    options.push(fc.integer({ min: 1, max: s.minLength - 1 }).map((n) => 'x'.repeat(n)));
  if (pattern) {
    options.push(
      fc
        .oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          fc.constantFrom('ä', 'a b', '<script>', '../etc', '%', '💥', 'A'.repeat(5000)),
        )
        .filter((v) => v !== '' && !pattern.test(v)),
    );
  }
  if (s.enum) options.push(fc.string({ maxLength: 30 }).filter((v) => !s.enum!.includes(v)));
  return options.length ? fc.oneof(...options) : undefined;
}

type Path = (string | number)[];
interface Slot {
  path: Path;
  schema: JsonSchema;
  required: boolean;
}
interface ObjectSlot {
  path: Path;
  schema: JsonSchema;
}

/** Every property (and every object) present in a well-formed value, so nested fields are mutated too. */
function slotsOf(
  s: JsonSchema,
  value: unknown,
  path: Path = [],
  out = { props: [] as Slot[], objects: [] as ObjectSlot[] },
) {
  if (typeOf(s) === 'object' && s.properties && value && typeof value === 'object') {
    out.objects.push({ path, schema: s });
    for (const [k, ps] of Object.entries(s.properties)) {
      out.props.push({ path: [...path, k], schema: ps, required: (s.required ?? []).includes(k) });
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && !ps.anyOf && !ps.oneOf) slotsOf(ps, v, [...path, k], out);
    }
  } else if (typeOf(s) === 'array' && s.items && Array.isArray(value) && value.length) {
    out.props.push({ path: [...path, 0], schema: s.items, required: true });
    if (!s.items.anyOf) slotsOf(s.items, value[0], [...path, 0], out);
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);
function at(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  return node;
}
const setAt = (root: unknown, path: Path, v: unknown) => {
  const r = clone(root);
  if (!path.length) return v;
  at(r, path)[path[path.length - 1]] = v;
  return r;
};
const deleteAt = (root: unknown, path: Path) => {
  const r = clone(root);
  delete at(r, path)[path[path.length - 1]];
  return r;
};
const show = (path: Path) => path.join('.') || '(body)';

const NAN_TOKEN = '"__NOT_JSON_NUMBER__"';

/** Malformed JSON bodies for a route that takes one. */
function malformedBodies(
  schema: JsonSchema,
  good: unknown,
): fc.Arbitrary<{ raw: string; contentType: string; what: string }> {
  const json = (what: string, v: unknown) => ({ raw: JSON.stringify(v), contentType: 'application/json', what });
  // A body that is one of several shapes (e.g. by a `type` discriminator) is mutated from the shape its example took.
  const { props, objects } = slotsOf(schema.oneOf?.[0] ?? schema.anyOf?.[0] ?? schema, good);
  const goodText = JSON.stringify(good);
  const arbs: fc.Arbitrary<{ raw: string; contentType: string; what: string }>[] = [
    // Not an object at all: an array of the good body, primitives, null.
    fc
      .constantFrom<unknown>([good], [], 'a string', 42, true, null)
      .map((v) => json(`body is ${JSON.stringify(v).slice(0, 30)}`, v)),
    // Not JSON.
    fc
      .oneof(
        fc.constantFrom(
          '{',
          '{"a":',
          '{"a":}',
          "{'a':1}",
          '[1,2',
          'nul',
          `${goodText}}`,
          '{"a":1,}',
          '\u0000',
          'undefined',
        ),
        fc.integer({ min: 1, max: Math.max(1, goodText.length - 1) }).map((n) => goodText.slice(0, n)),
      )
      .filter((t) => {
        try {
          JSON.parse(t);
          return false;
        } catch {
          return true;
        }
      })
      .map((raw) => ({ raw, contentType: 'application/json', what: `not JSON: ${raw.slice(0, 40)}` })),
    // JSON the parser refuses before any route sees it: a wrong charset, more than the 1 MB limit.
    fc.constantFrom(
      { raw: goodText, contentType: 'application/json; charset=latin1', what: 'JSON in an unsupported charset' },
      {
        raw: `{"padding":"${'x'.repeat(1_100_000)}"}`,
        contentType: 'application/json',
        what: 'a body over the 1 MB limit',
      },
    ),
    // Keys that are Object.prototype's own names must not slip past strictObject (or pollute anything).
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ({
      raw: `{"${key}":{"polluted":true}${goodText.length > 2 ? `,${goodText.slice(1)}` : '}'}`,
      contentType: 'application/json',
      what: `unknown field ${key}`,
    })),
    // Unknown fields, at the top and in nested objects (strictObject everywhere).
    ...(objects.length === 0
      ? []
      : [
          fc
            .tuple(
              fc.constantFrom(...objects),
              fc.oneof(
                fc.string({ minLength: 1, maxLength: 20 }),
                fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf'),
              ),
              fc.constantFrom<unknown>(1, 'x', null, true, {}, []),
            )
            .filter(([o, key]) => !(key in (o.schema.properties ?? {})) && key !== '__proto__')
            .map(([o, key, v]) => json(`unknown field ${show([...o.path, key])}`, setAt(good, [...o.path, key], v))),
        ]),
  ];
  const required = props.filter((p) => p.required && typeof p.path[p.path.length - 1] === 'string');
  if (required.length) {
    arbs.push(fc.constantFrom(...required).map((p) => json(`missing ${show(p.path)}`, deleteAt(good, p.path))));
    // JSON sent as text/plain, or no body at all: the parser leaves nothing, so the required fields are missing.
    arbs.push(
      fc.constantFrom(
        { raw: goodText, contentType: 'text/plain', what: 'JSON sent as text/plain' },
        { raw: '', contentType: 'application/json', what: 'an empty body' },
      ),
    );
  }
  const typed = props.flatMap((p) => SAMPLE_VALUES.filter((v) => !typeAccepts(p.schema, v)).map((v) => ({ p, v })));
  if (typed.length)
    arbs.push(
      fc
        .constantFrom(...typed)
        .map(({ p, v }) => json(`wrong type at ${show(p.path)}: ${JSON.stringify(v)}`, setAt(good, p.path, v))),
    );
  const numbers = props.flatMap((p) =>
    ['integer', 'number'].includes(typeOf(p.schema) ?? '') ? numericOutOfRange(p.schema).map((v) => ({ p, v })) : [],
  );
  if (numbers.length)
    arbs.push(
      fc
        .constantFrom(...numbers)
        .map(({ p, v }) => json(`out of range at ${show(p.path)}: ${v}`, setAt(good, p.path, v))),
    );
  const numeric = props.filter((p) => ['integer', 'number'].includes(typeOf(p.schema) ?? ''));
  if (numeric.length) {
    arbs.push(
      fc
        .tuple(fc.constantFrom(...numeric), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e99999'))
        .map(([p, token]) => ({
          raw: JSON.stringify(setAt(good, p.path, '__NOT_JSON_NUMBER__')).replace(NAN_TOKEN, token),
          contentType: 'application/json',
          what: `${token} at ${show(p.path)}`,
        })),
    );
  }
  const strings = props
    .flatMap((p) => (typeOf(p.schema) === 'string' && !p.schema.anyOf ? [{ p, bad: badStrings(p.schema) }] : []))
    .filter((x): x is { p: Slot; bad: fc.Arbitrary<string> } => x.bad !== undefined);
  if (strings.length) {
    arbs.push(
      fc
        .constantFrom(...strings)
        .chain(({ p, bad }) =>
          bad.map((v) =>
            json(
              `bad string at ${show(p.path)}: ${JSON.stringify(v.slice(0, 30))}${v.length > 30 ? `… (${v.length})` : ''}`,
              setAt(good, p.path, v),
            ),
          ),
        ),
    );
  }
  return fc.oneof(...arbs);
}

/** Path parameter values the schema refuses (sent URL-encoded, so they reach the route); none when the schema cannot tell. */
function badPathValue(p: Parameter): fc.Arbitrary<string> | undefined {
  return badStrings(p.schema)?.filter((v) => v !== '' && v !== '.' && v !== '..');
}

/** Query values (strings, as on the wire) the schema refuses, after z.coerce where the schema is numeric. */
function badQueryValue(p: Parameter): fc.Arbitrary<string> | undefined {
  const s = p.schema;
  const t = typeOf(s);
  if (t === 'number' || t === 'integer') {
    const refused = (raw: string) => {
      const n = Number(raw);
      if (!Number.isFinite(n)) return true;
      if (t === 'integer' && !Number.isInteger(n)) return true;
      return (
        (s.minimum !== undefined && n < s.minimum) ||
        (s.maximum !== undefined && n > s.maximum) ||
        (s.exclusiveMinimum !== undefined && n <= s.exclusiveMinimum) ||
        (s.exclusiveMaximum !== undefined && n >= s.exclusiveMaximum)
      );
    };
    return fc
      .oneof(
        fc.constantFrom('abc', 'NaN', 'Infinity', '-1', '1.5', '1e400', '0x', '--1', '10abc'),
        fc.double().map(String),
        fc.integer().map(String),
      )
      .filter(refused);
  }
  if (t === 'boolean') return fc.constantFrom('maybe', '2', 'yes please');
  return badStrings(s);
}

/** Malformed requests for one operation; undefined when the route takes no input to get wrong. */
export function malformedRequests(
  op: Operation,
  w: WellFormed = wellFormed(op),
): fc.Arbitrary<HttpRequest> | undefined {
  const body = op.body ? { raw: JSON.stringify(w.body), contentType: 'application/json' } : undefined;
  const arbs: fc.Arbitrary<HttpRequest>[] = [];
  for (const p of op.pathParams) {
    const bad = badPathValue(p);
    if (bad)
      arbs.push(
        bad.map((v) => ({
          url: urlOf(op, { ...w.params, [p.name]: v }, w.query),
          body,
          what: `path ${p.name}=${JSON.stringify(v.slice(0, 40))}`,
        })),
      );
  }
  if (op.queryParams.length) {
    const names = new Set(op.queryParams.map((p) => p.name));
    arbs.push(
      fc
        .tuple(
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 12 }),
            fc.constantFrom('__proto__', 'constructor', 'toString', 'a[b]', 'limit[]'),
          ),
          fc.string({ maxLength: 12 }),
        )
        .filter(([k]) => !names.has(k))
        .map(([k, v]) => ({ url: urlOf(op, w.params, [...w.query, [k, v]]), body, what: `unknown query ${k}=${v}` })),
    );
    for (const p of op.queryParams) {
      const bad = badQueryValue(p);
      const others = w.query.filter(([k]) => k !== p.name);
      if (bad)
        arbs.push(
          bad.map((v) => ({
            url: urlOf(op, w.params, [...others, [p.name, v]]),
            body,
            what: `query ${p.name}=${JSON.stringify(v.slice(0, 40))}`,
          })),
        );
      // The same parameter twice arrives as an array.
      const good = parameterExample(p.schema);
      arbs.push(
        fc.constant({
          url: urlOf(op, w.params, [...others, [p.name, good], [p.name, good]]),
          body,
          what: `query ${p.name} given twice`,
        }),
      );
      if (p.required)
        arbs.push(fc.constant({ url: urlOf(op, w.params, others), body, what: `query ${p.name} missing` }));
    }
  }
  if (op.body)
    arbs.push(
      malformedBodies(op.body, w.body).map((b) => ({
        url: urlOf(op, w.params, w.query),
        body: { raw: b.raw, contentType: b.contentType },
        what: b.what,
      })),
    );
  return arbs.length ? fc.oneof(...arbs) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------

/** A fixed-width text table for the test output (the README quotes it). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
