import { z } from 'zod';
import type { RouteSpec } from './routes';

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
        transactionId: { type: 'string' },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/**
 * OpenAPI 3.1 generated from the same zod schemas that validate requests: the document cannot drift from the code.
 * `description` is the introduction (Markdown): what the paths alone do not say, written above platform/ by whoever
 * knows the domains (api-description.ts).
 */
export function openApiDocument(
  specs: RouteSpec<z.ZodType, z.ZodType, z.ZodType>[],
  prefix: string,
  description: string,
): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = `${prefix}${spec.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
    }
    if (spec.anchored) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 200 },
        description:
          'A retried request with the same key returns the first result and never makes a second transaction.',
      });
      parameters.push({
        name: 'Prefer',
        in: 'header',
        required: false,
        schema: { type: 'string', enum: ['respond-async'] },
        description: 'Answer 202 with an operation to poll instead of waiting for the commit.',
      });
    }
    const responses: Record<string, unknown> = {
      [String(spec.status ?? 200)]: {
        description: 'OK',
        content: spec.response ? { 'application/json': { schema: jsonSchema(spec.response, 'output') } } : undefined,
      },
      '400': { description: 'invalid request', content: { 'application/json': { schema: errorBody } } },
    };
    if (spec.access !== 'public')
      Object.assign(responses, { '401': { description: 'not signed in' }, '403': { description: 'not allowed' } });
    if (spec.anchored)
      Object.assign(responses, {
        '202': {
          description:
            'accepted: poll the operation; or, for a caller who holds their own key, the proposal to sign (see Writes above)',
        },
        '409': { description: 'refused by the ledger rules, or a conflicting retry' },
        '503': { description: 'the ledger cannot take more work now (Retry-After)' },
      });
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.access === 'public' ? [] : [{ bearer: [] }],
      ...(spec.access !== 'public' && spec.access !== 'user'
        ? { description: `Roles: ${spec.access.join(', ')}` }
        : {}),
      parameters,
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Luohu works ledger API (罗湖区工程管理系统)', version: '1.0.0', description },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
