import createClient from 'openapi-fetch';
import { asksForSignature, completeSignatures, type ClientResponse, type KeyHolder } from '@luohu/client';
import type { paths } from './schema';

/** The session's token, set at sign-in; every API call carries it. */
let token: string | undefined;
/**
 * The newest block this person's own writes committed in: every later read asks the read model to have applied it
 * (X-Consistent-After), so a page never shows the state from before the user's own write.
 */
let ownBlock: bigint | undefined;
/** Notes the block of a write's receipt (writes that need no signature call this themselves). */
export function sawReceipt(body: unknown): void {
  const block = (body as { receipt?: { blockNumber?: string } } | null)?.receipt?.blockNumber;
  if (block && /^\d+$/.test(block) && (ownBlock === undefined || BigInt(block) > ownBlock)) ownBlock = BigInt(block);
}
/** The session's token, for the requests the typed client does not make (uploads with progress). */
export function sessionToken(): string | undefined {
  return token;
}

/** Sets the session's token (sign-in, sign-out). */
export function useSessionToken(next: string | undefined): void {
  token = next;
  ownBlock = undefined;
}

/**
 * The typed API client, generated from the gateway's OpenAPI document (src/api/schema.d.ts, `npm run api:snapshot`):
 * same origin, the session token on every call.
 */
export const api = createClient<paths>({ baseUrl: '' });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (request.method === 'GET' && ownBlock !== undefined) request.headers.set('x-consistent-after', String(ownBlock));
    return request;
  },
});

/** An API answer as the pages use it: status and body (the refusal's body for a 4xx/5xx). */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * A write by a person who holds their key: the gateway's 202 asks for the proposal's signature, then the transaction's;
 * both are signed here with the key on this device, and the answer is the receipt (or the refusal).
 */
export async function signedWrite(
  holder: KeyHolder,
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<ClientResponse> {
  const { data, error, response } = await call;
  const first: ClientResponse = { status: response.status, headers: response.headers, body: data ?? error };
  const answer = asksForSignature(first) ? await completeSignatures('', holder, first) : first;
  sawReceipt(answer.body);
  return answer;
}
