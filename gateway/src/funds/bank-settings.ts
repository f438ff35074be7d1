import { z } from 'zod';
import { ConfigError } from '../platform/errors';
import { InstallationSecrets, RETIRED_DEFAULT_PASSWORDS } from '../platform/installation-secrets';

/**
 * The funds family's bank settings: their shape and checks live with the family, config.ts parses them at start
 * with the rest of the configuration (the only place that reads the environment).
 */
const envSchema = z.object({
  /** Shared secret the bank signs its notifications with (HMAC-SHA256); generated per installation when unset. */
  BANK_CALLBACK_SECRET: z.string().min(32).optional(),
  /** Absolute URL the bank posts notifications to; by default derived from the request that sent the transfer. */
  BANK_NOTIFY_URL: z.url().optional(),
  /** Deadline of one submission to the bank. */
  BANK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(1_500),
  /** Submissions of one instruction before it is reported as needing attention. */
  BANK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** First retry delay; doubled after each failed attempt. */
  BANK_RETRY_BASE_MS: z.coerce.number().int().min(50).max(3_600_000).default(500),
  /** How often this replica looks for transfers to retry or reconcile. */
  BANK_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(500),
  /** A transfer acknowledged but not notified within this time is reconciled by asking the bank. */
  BANK_RECONCILE_AFTER_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Simulator: delay from acceptance to the settlement notification. */
  BANK_SIM_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).default(200),
});

export type BankSettings = ReturnType<typeof bankSettings>;

/** Where the generated bank callback secret is kept (the bank, or its simulator, is given the same). */
export const BANK_SECRET = 'bank-callback-secret';

export function bankSettings(env: NodeJS.ProcessEnv, nodeEnv: string, networkDir: string) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid bank configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const secret = new InstallationSecrets(networkDir).get(BANK_SECRET, e.BANK_CALLBACK_SECRET);
  // A secret once written in this project's source is everyone's: a notification signed with it proves nothing.
  if (nodeEnv !== 'test' && RETIRED_DEFAULT_PASSWORDS.includes(secret)) throw new ConfigError('BANK_CALLBACK_SECRET is a secret once published in this project\'s source: choose another');
  return {
    secret,
    notifyUrl: e.BANK_NOTIFY_URL,
    timeoutMs: e.BANK_TIMEOUT_MS,
    maxAttempts: e.BANK_MAX_ATTEMPTS,
    retryBaseMs: e.BANK_RETRY_BASE_MS,
    sweepMs: e.BANK_SWEEP_MS,
    reconcileAfterMs: e.BANK_RECONCILE_AFTER_MS,
    settleAfterMs: e.BANK_SIM_SETTLE_MS,
  };
}
