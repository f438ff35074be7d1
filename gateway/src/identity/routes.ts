import { z } from 'zod';
import { clientAddress, type RateLimit } from '../platform/rate-limit';
import type { RouteTable } from '../platform/routes';
import type { IdentityService } from './identity-service';
import { ROLES } from './models';
import { assertStrongPassword } from './password-policy';

const username = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, ".", "_" or "-", 3-64 characters');
const userView = z.object({
  _id: z.string(),
  org: z.string(),
  mspId: z.string(),
  role: z.enum(ROLES),
  dept: z.string().nullable(),
  displayName: z.string(),
  status: z.enum(['active', 'revoked']),
  custody: z
    .enum(['own', 'gateway'])
    .describe('who holds the signing key: the user (own) or the gateway (a custodial integration)'),
});

/** Sign-in and the bureau admins' user management (register with the CA, revoke). */
export function identityRoutes(
  routes: RouteTable,
  identities: IdentityService,
  enrollmentLimit: Pick<RateLimit, 'take'>,
): void {
  routes.add(
    {
      method: 'post',
      path: '/sessions/challenges',
      tag: 'identity',
      access: 'public',
      status: 201,
      summary:
        'A one-time challenge (valid 2 minutes) for a user who holds their own key to sign in with: sign the UTF-8 bytes of ' +
        '"luohu-sign-in\\n<username>\\n<challenge>" (ECDSA P-256/SHA-256) and POST it to /sessions',
      body: z.strictObject({ username: z.string().min(1).max(64) }),
      response: z.object({ challenge: z.string(), expiresAt: z.string() }),
    },
    async ({ body }) => identities.signInChallenge(body.username),
  );

  routes.add(
    {
      method: 'post',
      path: '/sessions',
      tag: 'identity',
      access: 'public',
      status: 201,
      summary:
        'Sign in: returns a session token. A user who holds their own key signs a challenge from /sessions/challenges (the ' +
        'signature, base64 DER or r‖s, checked with their certificate); a custodial user gives their password',
      body: z.union([
        z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        z.strictObject({
          username: z.string().min(1).max(64),
          challenge: z.string().min(20).max(100),
          signature: z.string().min(40).max(300),
        }),
      ]),
      response: z.object({ token: z.string(), expiresAt: z.string(), user: userView }),
    },
    async ({ body, req }) =>
      'password' in body
        ? identities.login(body.username, body.password, clientAddress(req))
        : identities.loginWithKey(body.username, body.challenge, body.signature),
  );

  routes.add(
    {
      method: 'post',
      path: '/users/me/password',
      tag: 'identity',
      access: 'user',
      status: 204,
      summary:
        'Change your own password (the current one is checked and throttled like a sign-in); your other sessions end',
      body: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
    },
    async ({ body, req, res }) => {
      await identities.changePassword(
        bearer(req.headers.authorization)!,
        body.currentPassword,
        body.newPassword,
        clientAddress(req),
      );
      res.status(204).end();
    },
  );

  routes.add(
    {
      method: 'delete',
      path: '/sessions/current',
      tag: 'identity',
      summary: 'Sign out',
      access: 'user',
      status: 204,
    },
    async ({ req, res }) => {
      await identities.logout(bearer(req.headers.authorization)!);
      res.status(204).end();
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/me',
      tag: 'identity',
      summary: 'The signed-in user',
      access: 'user',
      response: userView,
    },
    async ({ user }) => user,
  );

  routes.add(
    {
      method: 'post',
      path: '/users',
      tag: 'identity',
      status: 201,
      access: ['admin'],
      summary:
        "Register a user of the admin's bureau: the bureau's CA issues a certificate carrying the role (and department, or company)",
      body: z.strictObject({
        username,
        password: z
          .string()
          .min(12, 'at least 12 characters')
          .max(256)
          .optional()
          .describe(
            'only for a custodial user, whose key the gateway holds (an integration); without it the user holds their own key and enrolls it with the one-time code in the answer; refused for a device',
          ),
        role: z.enum(ROLES).exclude(['admin']),
        dept: z
          .string()
          .regex(/^[a-z_]{2,40}$/)
          .optional()
          .describe(
            "required for clerk, reviewer, director, inspector: a department of the admin's own bureau; refused for contractor, owner, device, analyst",
          ),
        company: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/)
          .optional()
          .describe(
            'contractor and owner only (required): the registry id of its company, registered on the ledger; carried in the certificate',
          ),
        displayName: z.string().min(1).max(100),
      }),
      response: userView.extend({
        enrollment: z
          .object({ code: z.string(), expiresAt: z.string() })
          .optional()
          .describe(
            'users who hold their own key: the one-time code to hand over; their device sends it with its certificate request to POST /enrollments',
          ),
      }),
    },
    async ({ body, user }) => {
      if (body.password !== undefined) assertStrongPassword(body.username, body.password);
      return identities.register(user!, body);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/enrollments/subject',
      tag: 'identity',
      access: 'public',
      status: 200,
      summary:
        "The subject a certificate request must carry for this one-time code (CN = the identity's enrollment ID at the CA: the username, " +
        'or a fresh one after the admin issued a new code). The code is checked, not spent: 401 unknown, 409 used, 410 lapsed.',
      body: z.strictObject({
        username,
        code: z.string().min(1).max(64).describe('the one-time code, e.g. 7K3Q-…'),
      }),
      response: z.object({ commonName: z.string() }),
    },
    async ({ body, req }) => {
      await enrollmentLimit.take(clientAddress(req));
      return identities.enrollments.subjectOf(body);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/enrollments',
      tag: 'identity',
      access: 'public',
      status: 201,
      summary:
        'A user or device enrolls its own key: its PKCS#10 request (ECDSA P-256, subject CN from POST /enrollments/subject, signed by that key) with the one-time code ' +
        "its bureau admin was given; the bureau's CA signs it. The private key never reaches the gateway. 400 for a malformed or tampered request, " +
        '401 for an unknown code, 409 for a used one, 410 for a lapsed one.',
      body: z.strictObject({
        username,
        code: z.string().min(1).max(64).describe('the one-time code, e.g. 7K3Q-…'),
        csr: z.string().min(100).max(8192).describe('PEM PKCS#10 certificate request'),
      }),
      response: z.object({ username: z.string(), mspId: z.string(), certificate: z.string() }),
    },
    async ({ body, req }) => {
      await enrollmentLimit.take(clientAddress(req)); // codes are not guessable (100 bits); this bounds the CA's work
      return identities.enrollments.enroll(body);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/users/:username',
      tag: 'identity',
      summary: 'A user',
      access: ['admin', 'auditor'],
      params: z.strictObject({ username }),
      response: userView,
    },
    async ({ params }) => identities.get(params.username),
  );

  routes.add(
    {
      method: 'post',
      path: '/users/:username/enrollment-codes',
      tag: 'identity',
      status: 201,
      access: ['admin'],
      summary:
        "A new one-time enrollment code for a person of the admin's bureau (a lost or replaced device, or a custodial user who is to hold " +
        "their own key): the current certificate is revoked and its CRL published to the channel, the gateway's copy of a custodial key " +
        'is deleted, sessions end; the person enrolls a key made on their device with the code (409 for a revoked user, 400 for a device)',
      params: z.strictObject({ username }),
      body: z.strictObject({ reason: z.string().min(3).max(500) }),
      response: userView.extend({ enrollment: z.object({ code: z.string(), expiresAt: z.string() }) }),
    },
    async ({ params, body, user }) => identities.reissueEnrollment(user!, params.username, body.reason),
  );

  routes.add(
    {
      method: 'post',
      path: '/users/:username/revocation',
      tag: 'identity',
      status: 200,
      access: ['admin'],
      summary:
        "Revoke a user: the CA revokes the certificate, sessions end, and the CA's CRL is published in the channel configuration so every peer " +
        'refuses the certificate (answers once the peers have it; 502 revocation_not_published if that failed: revoke again to republish)',
      params: z.strictObject({ username }),
      body: z.strictObject({ reason: z.string().min(3).max(500) }),
      response: userView,
    },
    async ({ params, body, user }) => identities.revoke(user!, params.username, body.reason),
  );
}

/** The session token of an `Authorization: Bearer …` header, if it has a token's shape; anything else is no token. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header ?? '');
  return m?.[1];
}
