import { z } from 'zod';
import type { RouteTable } from '../platform/routes';
import type { IdentityService } from './identity-service';
import { ROLES } from './models';
import { assertStrongPassword } from './password-policy';

const username = z.string().regex(/^[a-z][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, ".", "_" or "-", 3-64 characters');
const userView = z.object({ _id: z.string(), org: z.string(), mspId: z.string(), role: z.enum(ROLES), dept: z.string().nullable(), displayName: z.string(), status: z.enum(['active', 'revoked']) });

/** Sign-in and the bureau admins' user management (register with the CA, revoke). */
export function identityRoutes(routes: RouteTable, identities: IdentityService): void {
  routes.add({
    method: 'post', path: '/sessions', tag: 'identity', summary: 'Sign in: returns a session token', access: 'public', status: 201,
    body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
    response: z.object({ token: z.string(), expiresAt: z.string(), user: userView }),
  }, async ({ body, req }) => identities.login(body.username, body.password, req.ip ?? 'unknown'));

  routes.add({
    method: 'post', path: '/users/me/password', tag: 'identity', access: 'user', status: 204,
    summary: 'Change your own password (the current one is checked and throttled like a sign-in); your other sessions end',
    body: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
  }, async ({ body, req, res }) => {
    await identities.changePassword(bearer(req.headers.authorization)!, body.currentPassword, body.newPassword, req.ip ?? 'unknown');
    res.status(204).end();
  });

  routes.add({
    method: 'delete', path: '/sessions/current', tag: 'identity', summary: 'Sign out', access: 'user', status: 204,
  }, async ({ req, res }) => { await identities.logout(bearer(req.headers.authorization)!); res.status(204).end(); });

  routes.add({
    method: 'get', path: '/me', tag: 'identity', summary: 'The signed-in user', access: 'user', response: userView,
  }, async ({ user }) => user);

  routes.add({
    method: 'post', path: '/users', tag: 'identity', status: 201, access: ['admin'],
    summary: "Register a user of the admin's bureau: the bureau's CA issues a certificate carrying the role (and department, or company)",
    body: z.strictObject({
      username,
      password: z.string().min(12, 'at least 12 characters').max(256),
      role: z.enum(ROLES).exclude(['admin']),
      dept: z.string().regex(/^[a-z_]{2,40}$/).optional().describe("required for clerk, reviewer, director, inspector: a department of the admin's own bureau; refused for contractor, owner, device, analyst"),
      company: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/).optional().describe('contractor and owner only (required): the registry id of its company, registered on the ledger; carried in the certificate'),
      displayName: z.string().min(1).max(100),
    }),
    response: userView,
  }, async ({ body, user }) => { assertStrongPassword(body.username, body.password); return identities.register(user!, body); });

  routes.add({
    method: 'get', path: '/users/:username', tag: 'identity', summary: 'A user', access: ['admin', 'auditor'],
    params: z.strictObject({ username }), response: userView,
  }, async ({ params }) => identities.get(params.username));

  routes.add({
    method: 'post', path: '/users/:username/revocation', tag: 'identity', status: 200, access: ['admin'],
    summary: "Revoke a user: the CA revokes the certificate, sessions end, and the CA's CRL is published in the channel configuration so every peer "
      + 'refuses the certificate (answers once the peers have it; 502 revocation_not_published if that failed: revoke again to republish)',
    params: z.strictObject({ username }), body: z.strictObject({ reason: z.string().min(3).max(500) }), response: userView,
  }, async ({ params, body, user }) => identities.revoke(user!, params.username, body.reason));
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header ?? '');
  return m?.[1];
}
