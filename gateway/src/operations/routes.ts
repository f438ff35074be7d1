import { z } from 'zod';
import type { RouteTable } from '../platform/routes';
import { sendOutcome } from './anchored-route';
import type { AnchoredWrites } from './anchored-writes';
import type { AuthorSignedWrites } from './author-signed-writes';
import { operation, written } from '../shared/record-schemas';

/** What an author signs next (ECDSA P-256 with SHA-256 over `message`, base64), and by when. */
export const signatureRequest = z.object({
  transactionId: z.string(),
  stage: z.enum(['seal', 'proposal', 'transaction']),
  message: z.string().describe('base64: the bytes to sign'),
  expiresAt: z.string(),
  reference: z.string().describe('what the write is about, e.g. the alert ID'),
});

const transactionPath = z.strictObject({
  transactionId: z.string().regex(/^[0-9a-f]{64}$/, 'a transaction ID: 64 hex digits'),
});
const signatureBody = z.strictObject({
  signature: z.string().min(1).max(300).describe('base64 of the ECDSA signature: DER, or r‖s as WebCrypto makes it'),
});

/**
 * Polling an accepted (202) write; and the two signatures of a write whose author holds their own key (a person or a device):
 * no session — the signature, checked against the certificate the write was prepared for, is the authentication.
 */
export function operationRoutes(routes: RouteTable, writes: AnchoredWrites, signed: AuthorSignedWrites): void {
  routes.add(
    {
      method: 'get',
      path: '/operations/:id',
      response: operation,
      tag: 'operations',
      summary: 'An anchored write: status, attempts, receipt',
      access: 'user',
      params: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) }),
    },
    async ({ params, user }) => {
      const op = await writes.get(params.id, user!._id);
      return {
        operationId: op._id,
        action: op.action,
        status: op.status,
        attempts: op.attempts,
        receipt: op.receipt,
        result: op.result,
        error: op.error,
        createdAt: op.createdAt,
        updatedAt: op.updatedAt,
      };
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/transactions/:transactionId/seal-signature',
      tag: 'operations',
      access: 'public',
      status: 200,
      summary:
        "The author's seal over a document's CMS signed attributes (a sealed document's next signature, by a signer who holds their key): " +
        'the gateway completes the PDF signature and answers with the proposal that anchors the revision. 401 signature_invalid (sign again), ' +
        '404 when no seal awaits it (lapsed after 5 minutes: start again), 409 when signed already.',
      params: transactionPath,
      body: signatureBody,
      response: signatureRequest,
    },
    async ({ params, body, req, res }) => {
      const next = await signed.signStage(params.transactionId, body.signature);
      if ('done' in next) {
        sendOutcome(req, res, next.done);
        return undefined;
      }
      return next.sign;
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/transactions/:transactionId/proposal-signature',
      tag: 'operations',
      access: 'public',
      status: 200,
      summary:
        "The author's signature over the proposal: the gateway endorses it and answers with the transaction to sign. 401 signature_invalid " +
        '(nothing sent; sign again), 404 when no such transaction awaits it (lapsed after 5 minutes: start again), 409 when signed already.',
      params: transactionPath,
      body: signatureBody,
      response: signatureRequest,
    },
    async ({ params, body }) => signed.signProposal(params.transactionId, body.signature),
  );

  routes.add(
    {
      method: 'post',
      path: '/transactions/:transactionId/transaction-signature',
      tag: 'operations',
      access: 'public',
      status: 201,
      summary:
        "The author's signature over the endorsed transaction: the gateway submits it and answers with the receipt once committed " +
        '(X-Consistency-Token as for every write).',
      params: transactionPath,
      body: signatureBody,
      response: written(z.unknown()).describe(
        'the committed write, as any anchored write answers: result is the record the transaction returned',
      ),
    },
    async ({ params, body, req, res }) => {
      const {
        reference: _reference,
        route,
        userId,
        state,
        ...outcome
      } = await signed.signTransaction(params.transactionId, body.signature);
      // A route whose work goes on after the commit (a bank transfer) answers as it would have without the signatures.
      const continuation = route ? writes.continuations.get(route) : undefined;
      if (continuation && outcome.body.status === 'succeeded') {
        const answer = await continuation(userId, outcome, state);
        res.status(answer.status).json(answer.body);
        return undefined;
      }
      sendOutcome(req, res, outcome, route ? writes.refusals.get(route) : undefined);
      return undefined;
    },
  );
}
