/**
 * Validation of transaction arguments. Structured arguments arrive as JSON strings; every error names
 * the object and the field. Unknown fields are refused, which also keeps personal data off the ledger.
 */

import { refuse } from './refusal';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An identifier: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit. */
export function requireId(what: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw refuse(
      'invalid_request',
      `${what} must be an identifier of 1-128 letters, digits, '.', '_', ':' or '-', got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A SHA-256 digest as 64 lower-case hex characters. */
export function requireHex64(what: string, value: unknown): string {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw refuse(
      'invalid_request',
      `${what} must be 64 lower-case hex characters (a SHA-256 digest), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A non-blank string of at most `max` characters. */
export function requireText(what: string, value: unknown, max = 500): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw refuse('invalid_request', `${what} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** A calendar date, YYYY-MM-DD. */
export function requireDay(what: string, value: unknown): string {
  if (typeof value !== 'string' || !DAY.test(value)) {
    throw refuse('invalid_request', `${what} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An ISO-8601 date-time with its zone (Z or an offset). */
export function requireInstant(what: string, value: unknown): string {
  if (typeof value !== 'string' || !INSTANT.test(value)) {
    throw refuse('invalid_request', `${what} must be an ISO-8601 date-time with zone, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A safe integer from `min` to `max`; a numeric string counts (transaction arguments are strings). */
export function requireInt(what: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw refuse('invalid_request', `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A finite number from `min` to `max`. */
export function requireNumber(what: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw refuse('invalid_request', `${what} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** One of the allowed strings. */
export function requireOneOf<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw refuse('invalid_request', `${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Parses a JSON argument, naming it when it is not JSON. */
export function parseJsonArg(what: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw refuse('invalid_request', `${what} is not valid JSON`);
  }
}

/** Reads one JSON object argument field by field and refuses fields nobody asked for. */
export class Input {
  readonly #obj: Record<string, unknown>;
  readonly #seen = new Set<string>();

  constructor(
    readonly what: string,
    obj: unknown,
  ) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw refuse('invalid_request', `${what} must be a JSON object`);
    }
    this.#obj = obj as Record<string, unknown>;
  }

  static parse(what: string, json: string): Input {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw refuse('invalid_request', `${what} is not valid JSON`);
    }
    return new Input(what, parsed);
  }

  has(field: string): boolean {
    return this.#obj[field] !== undefined && this.#obj[field] !== null;
  }

  raw(field: string): unknown {
    this.#seen.add(field);
    return this.#obj[field];
  }

  name(field: string): string {
    return `${this.what}.${field}`;
  }

  id(field: string): string {
    return requireId(this.name(field), this.raw(field));
  }
  hex64(field: string): string {
    return requireHex64(this.name(field), this.raw(field));
  }
  text(field: string, max = 500): string {
    return requireText(this.name(field), this.raw(field), max);
  }
  day(field: string): string {
    return requireDay(this.name(field), this.raw(field));
  }
  instant(field: string): string {
    return requireInstant(this.name(field), this.raw(field));
  }
  int(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    return requireInt(this.name(field), this.raw(field), min, max);
  }
  num(field: string, min: number, max: number): number {
    return requireNumber(this.name(field), this.raw(field), min, max);
  }
  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    return requireOneOf(this.name(field), this.raw(field), allowed);
  }

  optional<T>(field: string, read: (field: string) => T): T | undefined {
    if (!this.has(field)) {
      this.#seen.add(field);
      return undefined;
    }
    return read(field);
  }

  list(field: string, min = 0, max = 1000): unknown[] {
    const value = this.raw(field);
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      throw refuse('invalid_request', `${this.name(field)} must be an array of ${min} to ${max} items`);
    }
    return value;
  }

  /** Nested objects, each read by `read` with its own Input named `<what>.<field>[i]`. */
  objects<T>(field: string, read: (item: Input) => T, min = 0, max = 1000): T[] {
    return this.list(field, min, max).map((item, i) => {
      const input = new Input(`${this.name(field)}[${i}]`, item);
      const result = read(input);
      input.done();
      return result;
    });
  }

  /** Throws if the object carries a field that was never read. */
  done(): void {
    const unknown = Object.keys(this.#obj).filter((k) => !this.#seen.has(k));
    if (unknown.length > 0) {
      throw refuse('invalid_request', `${this.what} has unknown field(s): ${unknown.join(', ')}`);
    }
  }
}
