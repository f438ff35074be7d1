import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../platform/errors';

/** Bundled with the project (no network at run time): common and breached passwords, lower-cased. */
const COMMON = new Set(
  fs
    .readFileSync(path.join(__dirname, 'common-passwords.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line && !line.startsWith('#')),
);

export const MIN_PASSWORD_LENGTH = 12;

/** Why `password` is too weak for `username`, or undefined when it is acceptable. */
export function passwordWeakness(username: string, password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password must not be a common or breached password';
  if (lower.includes(username.toLowerCase())) return 'password must not contain the username';
  // 'aaaaaaaaaaaa', '111111111111', 'abababababab': too few distinct characters to be worth their length.
  if (new Set(password).size < 5) return 'password must be made of at least 5 different characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(password)).length;
  // One class only (all lower-case letters, all digits…) is accepted as a passphrase from 16 characters.
  if (classes < 2 && password.length < 16)
    return 'password must be mixed (two of lower-case, upper-case, digits, symbols) or at least 16 characters';
  return undefined;
}

/** Refuses a weak new password with 400. */
export function assertStrongPassword(username: string, password: string): void {
  const weakness = passwordWeakness(username, password);
  if (weakness) throw new ValidationError(weakness, { field: 'password' });
}
