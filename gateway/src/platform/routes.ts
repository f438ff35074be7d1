import express, { NextFunction, Request, Response } from 'express';
import type { Role } from '@luohu/domain';
import { z } from 'zod';
import type { AuthenticatedUser } from './authenticated-user';
import { ForbiddenError, UnauthorizedError, ValidationError } from './errors';

/** Who may call a route: the public, any signed-in user, or some roles (the chaincode checks again, with MSPs). */
export type Access = 'public' | 'user' | readonly Role[];

/** A route as declared once: what mounts it, checks its input and access, and documents it in the OpenAPI document. */
export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // express style: /projects/:id
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Anchored writes: documents the Idempotency-Key and Prefer: respond-async headers and the 202 answer. */
  anchored?: boolean;
  response?: z.ZodType;
  status?: number;
}

/**
 * What a route's handler gets: the parsed body, query and path parameters, the caller (if signed in), and Express's
 * request and response.
 */
export interface Input<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  user: AuthenticatedUser | undefined;
  req: Request;
  res: Response;
}

/** Who sent a request (from its bearer token); undefined when it carries none, an error when it carries a bad one. */
export type Authenticator = (req: Request) => Promise<AuthenticatedUser | undefined>;

/** Routes of every domain register here: the same list mounts them and writes the OpenAPI document. */
export class RouteTable {
  readonly specs: RouteSpec<z.ZodType, z.ZodType, z.ZodType>[] = [];
  readonly router = express.Router();

  constructor(private readonly authenticate: Authenticator) {}

  add<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<B, Q, P>,
    handler: (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>,
  ): void {
    this.specs.push(spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType>);
    this.router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const user = await this.authorize(spec.access, req);
        const body = parse('body', spec.body, req.body) as z.infer<B>;
        const query = parse('query', spec.query, req.query) as z.infer<Q>;
        const params = parse('path', spec.params, req.params) as z.infer<P>;
        const result = await handler({ body, query, params, user, req, res });
        if (!res.headersSent) res.status(spec.status ?? 200).json(result);
      } catch (err) {
        next(err);
      }
    });
  }

  private async authorize(access: Access, req: Request): Promise<AuthenticatedUser | undefined> {
    if (access === 'public') return this.authenticate(req).catch(() => undefined);
    const user = await this.authenticate(req);
    if (!user) throw new UnauthorizedError();
    if (access !== 'user' && !access.includes(user.role))
      throw new ForbiddenError(`this action needs role ${access.join(' or ')}; you are ${user.role}`);
    return user;
  }
}

function parse(where: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new ValidationError(
      `the request ${where} is not valid`,
      result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
    );
  }
  return result.data;
}
