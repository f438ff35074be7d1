/**
 * Typed errors a use case or the ledger layer throws; the error handler turns each into an HTTP status and the
 * stable body { error: { code, message, details?, transactionId? } }. Nothing else decides a status.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request does not match its schema; `details` lists each field's problem. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, details);
  }
}
/** 401: no valid session (the answer says Bearer is expected). */
export class UnauthorizedError extends AppError {
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}
/** 403: signed in, but this role or bureau may not do it. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}
/** 404: no such thing, or none the caller may read (the two are not told apart). */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}
/** 409: the request conflicts with the current state (e.g. a repeated key with another body, a step out of order). */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}
/** 422: well-formed, but refused by a rule; `code` names the rule for clients to act on. */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(422, code, message, details);
  }
}
/** The ledger cannot take more work now: the client should come back after `retryAfterSeconds`. */
export class OverloadedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, 'overloaded', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** The configuration is invalid: the process stops at start with a message naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An upload larger than the route takes: 413, before or while reading it. */
export class PayloadTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super(413, 'payload_too_large', `files may be at most ${maxBytes} bytes`);
  }
}
