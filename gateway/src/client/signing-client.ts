import { certificateRequest, fromBase64, newKeyPair, signBytes, type CryptoKey } from '../device-client/keys';
import type { SignatureRequest } from '../operations/models';

/**
 * The client side of "every write signed by its author", for people who hold their own key: enrollment with the
 * admin's one-time code, sign-in by signature, and writes whose proposal and transaction are signed here. The same
 * code runs in Node (scripts, tests, integrators) and, with a non-extractable key from IndexedDB, in the browser.
 */
export interface KeyHolder {
  username: string;
  certificate: string;
  privateKey: CryptoKey;
}

/** An answer of the gateway: status, headers and parsed JSON body (null for an empty one). */
// The body's shape is the route's (see /openapi.json); callers narrow it.
export interface ClientResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A refusal of the gateway during enrollment or sign-in, with its stable code. */
export class ClientRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

const JSON_BODY = { 'content-type': 'application/json' };

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ClientResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...JSON_BODY, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function refused(res: ClientResponse, what: string): ClientRequestError {
  return new ClientRequestError(
    res.status,
    res.body?.error?.code ?? 'unknown',
    res.body?.error?.message ?? `${what} failed`,
  );
}

/**
 * Makes a key pair here and has the bureau's CA certify it with the one-time code; `extractable` only for a script
 * that must save the key to a file.
 */
export async function enrollKey(
  baseUrl: string,
  username: string,
  code: string,
  extractable = false,
): Promise<KeyHolder & { publicKey: CryptoKey }> {
  // The subject the bureau's CA expects for this code (the username, or a fresh enrollment ID after a new code).
  const subject = await call(baseUrl, 'POST', '/v1/enrollments/subject', { username, code });
  if (subject.status !== 200) throw refused(subject, 'enrollment');
  const keys = await newKeyPair(extractable);
  const res = await call(baseUrl, 'POST', '/v1/enrollments', {
    username,
    code,
    csr: await certificateRequest(keys, subject.body.commonName),
  });
  if (res.status !== 201) throw refused(res, 'enrollment');
  return { username, certificate: res.body.certificate, privateKey: keys.privateKey, publicKey: keys.publicKey };
}

/** What a key holder signs to sign in (the gateway checks the same bytes: identity/key-sign-in.ts). */
export const signInMessage = (username: string, challenge: string) =>
  new TextEncoder().encode(`luohu-sign-in\n${username}\n${challenge}`);

/** Signs in by signing the gateway's one-time challenge; returns the session token. */
export async function signIn(baseUrl: string, holder: Pick<KeyHolder, 'username' | 'privateKey'>): Promise<string> {
  const challenge = await call(baseUrl, 'POST', '/v1/sessions/challenges', { username: holder.username });
  if (challenge.status !== 201) throw refused(challenge, 'sign-in challenge');
  const signature = await signBytes(holder.privateKey, signInMessage(holder.username, challenge.body.challenge));
  const session = await call(baseUrl, 'POST', '/v1/sessions', {
    username: holder.username,
    challenge: challenge.body.challenge,
    signature,
  });
  if (session.status !== 201) throw refused(session, 'sign-in');
  return session.body.token;
}

/**
 * Whether an answer asks the author for a signature (the write's 202, the proposal signature's 200, each with a
 * signature request) rather than being the outcome.
 */
export function asksForSignature(res: Pick<ClientResponse, 'status' | 'body'>): boolean {
  return (
    (res.status === 202 || res.status === 200) &&
    typeof res.body?.transactionId === 'string' &&
    ['seal', 'proposal', 'transaction'].includes(res.body.stage)
  );
}

/**
 * Signs each step the gateway asks for (proposal, then transaction) and returns the last answer: the receipt (201), the
 * operation to poll (202 with respond-async) or the refusal (e.g. the chaincode's 409/422 at endorsement).
 */
export async function completeSignatures(
  baseUrl: string,
  holder: Pick<KeyHolder, 'privateKey'>,
  first: ClientResponse,
): Promise<ClientResponse> {
  let res = first;
  while (asksForSignature(res)) {
    const step = res.body as SignatureRequest;
    const signature = await signBytes(holder.privateKey, fromBase64(step.message));
    res = await call(baseUrl, 'POST', `/v1/transactions/${step.transactionId}/${step.stage}-signature`, { signature });
  }
  return res;
}

/**
 * Whether the README's retry table says to send the same request again with the same key: a 503, a retryable 502 or
 * a 409 "still committing", each with Retry-After (a 409 without it is a refusal).
 */
export function retryLater(res: Pick<ClientResponse, 'status' | 'headers'>): number | undefined {
  const header = res.headers.get('retry-after');
  const after = header === null ? NaN : Number(header);
  return [409, 502, 503].includes(res.status) && Number.isFinite(after) && after >= 0 ? after * 1000 : undefined;
}

/**
 * Sends until the answer is definite or `patienceMs` has passed, waiting what each Retry-After asks (at most 5 s):
 * for scripts that must not stop at a busy moment (the demo district), never for a person's page, which says so.
 */
export async function withPatience(send: () => Promise<ClientResponse>, patienceMs: number): Promise<ClientResponse> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const res = await send();
    const wait = retryLater(res);
    if (wait === undefined || Date.now() + wait > deadline) return res;
    await new Promise((r) => setTimeout(r, Math.min(Math.max(wait, 200), 5_000)));
  }
}

/**
 * A signed-in key holder's API client: every write is signed here; reads are plain requests with the session. With
 * `patienceMs`, a request with an Idempotency-Key (or a read) is sent again while the answer says to retry later.
 */
export class SigningClient {
  constructor(
    readonly baseUrl: string,
    readonly holder: KeyHolder,
    private token: string,
    readonly patienceMs = 0,
  ) {}

  /** Enrolls a key with the one-time code and signs in with it. */
  static async enroll(baseUrl: string, username: string, code: string, extractable = false): Promise<SigningClient> {
    const holder = await enrollKey(baseUrl, username, code, extractable);
    return new SigningClient(baseUrl, holder, await signIn(baseUrl, holder));
  }

  get sessionToken(): string {
    return this.token;
  }

  /** Signs in again (a new session) with the same key. */
  async renewSession(): Promise<void> {
    this.token = await signIn(this.baseUrl, this.holder);
  }

  /** A request with the session; a write's signature steps are completed before it returns. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ClientResponse> {
    const send = async () => {
      const first = await call(this.baseUrl, method, path, body, { authorization: `Bearer ${this.token}`, ...headers });
      return completeSignatures(this.baseUrl, this.holder, first);
    };
    const keyed = method === 'GET' || Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
    return keyed && this.patienceMs > 0 ? withPatience(send, this.patienceMs) : send();
  }
}
