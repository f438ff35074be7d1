import createClient from 'openapi-fetch';
import type { ClientResponse, KeyHolder } from '@luohu/client';
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
export const api = createClient<paths>({ baseUrl: '', fetch: (request) => patientFetch(request) });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    // Every write carries an Idempotency-Key, so that a retry (busy, a lost answer) can never act twice.
    if (request.method === 'POST' && !request.headers.has('idempotency-key'))
      request.headers.set('idempotency-key', crypto.randomUUID());
    if (request.method === 'GET' && ownBlock !== undefined) request.headers.set('x-consistent-after', String(ownBlock));
    return request;
  },
});

/** Who hears that the gateway is busy (a 503 with Retry-After) and when the request will be tried again. */
const busyListeners = new Set<(seconds: number) => void>();
/** Listens to "busy, trying again in N s" notices; returns the unsubscribe. */
export function onBusy(listener: (seconds: number) => void): () => void {
  busyListeners.add(listener);
  return () => busyListeners.delete(listener);
}

/** How many times a request the gateway was too busy for is tried again before its 503 reaches the page. */
const BUSY_RETRIES = 4;

/**
 * fetch, but a 503 with Retry-After ("busy, try again") is retried after the time it asks, the same request with the
 * same Idempotency-Key, telling the page meanwhile; nothing the user typed is lost since the page never sees it fail.
 */
export async function patientFetch(request: Request, retries = BUSY_RETRIES): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(request.clone());
    const after = Number(response.headers.get('retry-after'));
    if (response.status !== 503 || !Number.isFinite(after) || after <= 0 || attempt >= retries) return response;
    const seconds = Math.min(after, 30);
    for (const listener of busyListeners) listener(seconds);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  }
}

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
  // The signing protocol (and its X.509 code) loads with the first signed write, not with the public pages.
  const [{ data, error, response }, { asksForSignature, completeSignatures }] = await Promise.all([
    call,
    import('@luohu/client'),
  ]);
  const first: ClientResponse = { status: response.status, headers: response.headers, body: data ?? error };
  const answer = asksForSignature(first) ? await completeSignatures('', holder, first) : first;
  sawReceipt(answer.body);
  return answer;
}
