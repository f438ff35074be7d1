import crypto from 'node:crypto';

/**
 * The bank as the gateway sees it. A real bank (or a payment clearing front-end) and the simulator both implement
 * this: submitting a transfer only gets an acknowledgement; the outcome arrives later as a signed notification
 * POSTed to the `notifyUrl` given with the instruction (as with 支付宝/微信 `notify_url` and most bank-direct APIs).
 */
export interface BankAdapter {
  /**
   * Sends a transfer instruction. The bank executes an instruction id at most once: resending the same id (after a
   * timeout, whose outcome is unknown) returns the first acknowledgement and never pays twice.
   * Throws BankRejected when the bank refuses the instruction, BankUnavailable when the outcome is unknown.
   */
  submitTransfer(instruction: TransferInstruction): Promise<TransferAck>;
  /** The bank's own view of an instruction, for reconciling a notification that never arrived. */
  transferStatus(instructionId: string): Promise<BankTransferStatus>;
  close?(): void;
}

/** A transfer the gateway asks the bank to make: instruction ID, payout, payee and amount. */
export interface TransferInstruction {
  /** End-to-end id: the bank's duplicate check. */
  instructionId: string;
  payoutId: string;
  /** Integer fen. */
  amount: number;
  currency: 'CNY';
  payee: { name: string; account: string };
  remittanceInfo: string;
  notifyUrl: string;
}

/** The bank's acceptance of an instruction (a repeat of the same instruction is a duplicate). */
export interface TransferAck {
  instructionId: string;
  bankReference: string;
  acceptedAt: string;
  duplicate: boolean;
}

/** What the bank says became of a transfer. */
export type BankTransferStatus =
  | { status: 'unknown' }
  | { status: 'pending'; bankReference: string }
  | { status: 'settled'; bankReference: string; amount: number; settledAt: string }
  | { status: 'failed'; bankReference: string; reason: string };

/** What the bank POSTs to the notify URL. */
export interface BankNotification {
  instructionId: string;
  payoutId: string;
  bankReference: string;
  amount: number;
  status: 'settled' | 'failed';
  reason?: string;
  at: string;
}

/**
 * The bank refused the instruction (closed account, wrong name…): nothing was paid; resending the same is pointless.
 */
export class BankRejected extends Error {
  override name = 'BankRejected';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer in time or the bank is down: the instruction may or may not have been received; resend the same id. */
export class BankUnavailable extends Error {
  override name = 'BankUnavailable';
}

export const SIGNATURE_HEADER = 'x-bank-signature';
export const TIMESTAMP_HEADER = 'x-bank-timestamp';
/** Notifications older (or newer) than this are refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** HMAC-SHA256 over "<timestamp>.<canonical body>" with the shared secret, hex. */
export function signNotification(secret: string, timestamp: string, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Whether a notification's HMAC over `<timestamp>.<body>` is the shared secret's and its timestamp recent (±5 min). */
export function signatureValid(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  now = Date.now(),
): boolean {
  if (!timestamp || !signature || !/^\d{10,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_TOLERANCE_MS) return false;
  const expected = Buffer.from(signNotification(secret, timestamp, body), 'hex');
  return crypto.timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** Runs the bank call under a deadline: no answer in time is an unknown outcome, like a real network timeout. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BankUnavailable(`the bank did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Account numbers are shown with their last four digits only. */
export const mask = (account: string) => `${'*'.repeat(Math.max(0, account.length - 4))}${account.slice(-4)}`;
