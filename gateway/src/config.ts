import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import {
  ADMIN_PASSWORD_SECRET,
  InstallationSecrets,
  OPERATOR_TOKEN_SECRET,
  RETIRED_DEFAULT_PASSWORDS,
} from './platform/installation-secrets';
import type { ConnectionDescription } from '@luohu/domain';
import { ConfigError } from './platform/errors';

const repoRoot = path.resolve(__dirname, '..', '..');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The network instance whose connection description (connection.json) the gateway reads. */
  LUOHU_NETWORK_DIR: z.string().default(path.join(repoRoot, 'network', '.run', 'dev')),
  /** MongoDB-wire URL; defaults to the network's FerretDB from the connection description. */
  MONGO_URL: z.string().optional(),
  /**
   * host:port of this replica's own FerretDB, in place of the one the connection description names (each replica has its
   * own, so that one FerretDB down stops one replica, not every one).
   */
  DATABASE_ADDRESS: z
    .string()
    .regex(/^[^\s/:@]+:\d{1,5}$/, 'host:port')
    .optional(),
  /** 32 bytes, base64: encrypts users' private keys at rest. Required in production; in development kept in the network dir. */
  KEY_ENCRYPTION_KEY: z.string().optional(),
  /** Initial password of each bureau's admin user (admin.housing, admin.finance, admin.audit); generated per installation when unset. */
  LUOHU_ADMIN_PASSWORD: z.string().min(12).optional(),
  SESSION_TTL_MINUTES: z.coerce.number().int().positive().default(480),
  /** How long a device's one-time enrollment code stays usable after its admin issued it. */
  ENROLLMENT_CODE_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(72),
  /** Transactions in flight to the ledger at once, and waiting beyond that, before new writes get 503 + Retry-After. */
  SUBMIT_CONCURRENCY: z.coerce.number().int().positive().default(200),
  SUBMIT_QUEUE: z.coerce.number().int().min(0).default(400),
  /**
   * How long one step of a write waits for the ledger: endorsement, handing the transaction to the orderer, its commit
   * status. Past them the step is retried (a new peer plan, the same transaction resent) and, when a sent transaction's
   * outcome stays unknown, it is looked up by its ID (operations/outcomes.ts).
   */
  LEDGER_ENDORSE_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  LEDGER_SUBMIT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  LEDGER_COMMIT_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Whether this replica projects ledger events into the read model (one replica at a time holds the lease). */
  PROJECTOR: z.enum(['on', 'off']).default('on'),
  MQTT_URL: z.string().optional(),
  /** Topic prefix devices of this network publish under; by default `luohu/<network instance>`. */
  LUOHU_MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,100}$/)
    .optional(),
  /** Where citizens and auditors reach this system: the base of the verification links printed on sealed documents. */
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'an http(s) URL')
    .optional(),
  /** How often one replica reconciles the read model and stored files with the ledger; 0 = only on request. */
  LUOHU_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  /** TrueType font with the Chinese glyphs of generated documents and seals; by default Debian's fonts-droid-fallback. */
  LUOHU_CJK_FONT: z.string().min(1).optional(),
  /** The built web app (app/dist) the gateway serves on its own origin; absent: the API alone. */
  LUOHU_APP_DIR: z.string().min(1).optional(),
  /** Bearer token for /readyz and /metrics; generated per installation when unset. */
  OPERATOR_TOKEN: z.string().min(24).optional(),
  /** Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed; empty: clients connect directly. */
  TRUSTED_PROXIES: z.string().default(''),
});

/**
 * The gateway's configuration as loadConfig() parsed it: the one place settings come from (nothing else reads the
 * environment).
 */
export type Config = ReturnType<typeof loadConfig>;

export { ConfigError };

/**
 * The network's database authenticates every client (FerretDB passes SASL PLAIN credentials through to its
 * PostgreSQL): the password is read from the network's 0600 file into the URLs, in memory only.
 */
function withDatabaseCredentials(connection: ConnectionDescription): ConnectionDescription {
  const db = connection.database;
  if (!db.passwordFile || !db.user) return connection;
  let password: string;
  try {
    password = fs.readFileSync(db.passwordFile, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`cannot read the database password at ${db.passwordFile}: ${(err as Error).message}`);
  }
  const credentials = `${encodeURIComponent(db.user)}:${encodeURIComponent(password)}@`;
  const url = `${db.url.replace('://', `://${credentials}`)}?authMechanism=PLAIN`;
  const postgresql = db.postgresql?.replace(/:\/\/[^@/]*@/, `://${credentials}`);
  return { ...connection, database: { ...db, url, ...(postgresql ? { postgresql } : {}) } };
}

/** The database URL with its host:port replaced by `address` (credentials and options kept). */
function atAddress(url: string, address: string | undefined): string {
  return address ? url.replace(/^(mongodb:\/\/(?:[^@/]*@)?)[^/]+/, `$1${address}`) : url;
}

/** Parsed once at start; any problem stops the process with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  const networkDir = path.resolve(e.LUOHU_NETWORK_DIR);
  const connectionFile = path.join(networkDir, 'connection.json');
  if (!fs.existsSync(connectionFile))
    throw new ConfigError(`no connection description at ${connectionFile}: start the network first (npm start)`);
  const connection = withDatabaseCredentials(
    JSON.parse(fs.readFileSync(connectionFile, 'utf8')) as ConnectionDescription,
  );
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    connection,
    /** The network instance's data dir: installation secrets are kept there (platform/installation-secrets). */
    networkDir,
    mongoUrl: e.MONGO_URL ?? atAddress(connection.database.url, e.DATABASE_ADDRESS),
    keyEncryptionKey: keyEncryptionKey(e.KEY_ENCRYPTION_KEY, e.NODE_ENV, networkDir),
    operatorToken: new InstallationSecrets(networkDir).get(OPERATOR_TOKEN_SECRET, e.OPERATOR_TOKEN),
    adminPassword: adminPassword(e.LUOHU_ADMIN_PASSWORD, e.NODE_ENV, networkDir),
    sessionTtlMs: e.SESSION_TTL_MINUTES * 60_000,
    enrollmentCodeTtlMs: e.ENROLLMENT_CODE_TTL_HOURS * 3_600_000,
    submitConcurrency: e.SUBMIT_CONCURRENCY,
    submitQueue: e.SUBMIT_QUEUE,
    ledgerTimeouts: {
      endorseMs: e.LEDGER_ENDORSE_TIMEOUT_MS,
      submitMs: e.LEDGER_SUBMIT_TIMEOUT_MS,
      commitStatusMs: e.LEDGER_COMMIT_TIMEOUT_MS,
    },
    projector: e.PROJECTOR === 'on',
    mqttUrl: e.MQTT_URL,
    mqttTopicPrefix: e.LUOHU_MQTT_TOPIC_PREFIX,
    /** The funds family's bank settings. */
    bank: bankSettings(env, e.NODE_ENV, networkDir),
    publicUrl: publicUrl(e.PUBLIC_URL, e.NODE_ENV, e.HOST, e.PORT),
    /** The CJK font file; undefined: documents/fonts' default (DEFAULT_CJK_FONT_PATH). */
    cjkFont: e.LUOHU_CJK_FONT,
    appDir: e.LUOHU_APP_DIR ?? path.resolve(__dirname, '..', '..', 'app', 'dist'),
    // Hourly by default; off in tests unless a test asks for it.
    reconcileIntervalMs: e.LUOHU_RECONCILE_INTERVAL_MS ?? (e.NODE_ENV === 'test' ? 0 : 3_600_000),
    trustedProxies: e.TRUSTED_PROXIES.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  };
}

function publicUrl(value: string | undefined, env: string, host: string, port: number): string {
  if (value) return value.replace(/\/+$/, '');
  // Printed on documents that outlive the process: production must say where it is reachable.
  if (env === 'production')
    throw new ConfigError(
      'PUBLIC_URL is required in production (the base of the verification links on sealed documents)',
    );
  return `http://${host}:${port}`;
}

/**
 * The bureau admins' initial password: the operator's, or one generated at install and kept 0600 with the network's data
 * (`<networkDir>/secrets/admin-password`, printed by `npm start`). Passwords this project once shipped in its source are
 * known to everyone: outside tests they are refused.
 */
function adminPassword(value: string | undefined, env: string, networkDir: string): string {
  const password = new InstallationSecrets(networkDir).get(ADMIN_PASSWORD_SECRET, value, 18);
  if (env !== 'test' && RETIRED_DEFAULT_PASSWORDS.includes(password)) {
    throw new ConfigError(
      "LUOHU_ADMIN_PASSWORD is a password once published in this project's source: choose another (or unset it to have one generated)",
    );
  }
  return password;
}

function keyEncryptionKey(value: string | undefined, env: string, networkDir: string): Buffer {
  if (value) {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) throw new ConfigError('KEY_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  if (env === 'production') throw new ConfigError('KEY_ENCRYPTION_KEY is required in production');
  // Development and tests: one key per network instance, beside its other secrets.
  const file = path.join(networkDir, 'gateway-key-encryption-key');
  if (!fs.existsSync(file))
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

/** How the gateway reaches the bank (funds/bank-adapter.ts) or its simulator, and how it retries. */
const bankEnvSchema = z.object({
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

/** The bank settings as parsed: what funds/ (adapter, transfers, confirmations, simulator) is given. */
export type BankSettings = ReturnType<typeof bankSettings>;

/** Where the generated bank callback secret is kept (the bank, or its simulator, is given the same). */
const BANK_SECRET = 'bank-callback-secret';

/**
 * The funds family's bank settings (BANK_*), parsed apart from the rest so that a test can read the same settings
 * as the gateway under test without a whole configuration.
 */
export function bankSettings(env: NodeJS.ProcessEnv, nodeEnv: string, networkDir: string) {
  const parsed = bankEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      `invalid bank configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const e = parsed.data;
  const secret = new InstallationSecrets(networkDir).get(BANK_SECRET, e.BANK_CALLBACK_SECRET);
  // A secret once written in this project's source is everyone's: a notification signed with it proves nothing.
  if (nodeEnv !== 'test' && RETIRED_DEFAULT_PASSWORDS.includes(secret))
    throw new ConfigError("BANK_CALLBACK_SECRET is a secret once published in this project's source: choose another");
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

/** The network's connection description (written by `npm run network -- up`): the domain package's one definition. */
export type { ConnectionDescription } from '@luohu/domain';
