import { canonicalJson } from '@luohu/domain';
import type { Logger } from '../platform/logger';
import {
  BankAdapter,
  BankNotification,
  BankRejected,
  BankTransferStatus,
  BankUnavailable,
  mask,
  signNotification,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TransferAck,
  TransferInstruction,
} from './bank-adapter';

/**
 * Sandbox accounts pick the bank's behaviour, as real bank sandboxes do with magic account numbers
 * (the last four digits of the payee account):
 */
export const SANDBOX_ACCOUNTS = {
  /** settles; the notification is delivered twice (webhooks are at-least-once) */
  duplicateNotification: '2222',
  /** refused at once: account closed */
  rejected: '4040',
  /** accepted, then settlement fails (account frozen): a "failed" notification */
  settlementFails: '5050',
  /**
   * the first submission's answer is lost (timeout) although the bank booked it; the resend is answered as a duplicate
   * and settles
   */
  firstAnswerLost: '6060',
  /** the bank is unreachable: every submission times out, nothing is received */
  unreachable: '9999',
} as const;
// Any other account settles normally, with one notification.

interface Booked {
  instruction: TransferInstruction;
  ack: TransferAck;
  outcome: BankTransferStatus;
  submissions: number;
}

/** The simulator's shared secret, its settlement delay and its logger. */
export interface SimulatorOptions {
  secret: string;
  /** Delay between acceptance and the settlement notification. */
  settleAfterMs: number;
  /** How long a lost answer or an unreachable bank keeps the caller waiting (longer than any caller's deadline). */
  hangMs?: number;
  logger: Logger;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * An in-process bank with its own books: asynchronous signed notifications over HTTP, duplicates, rejections, timeouts.
 */
export class BankSimulator implements BankAdapter {
  private readonly books = new Map<string, Booked>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: SimulatorOptions) {}

  async submitTransfer(instruction: TransferInstruction): Promise<TransferAck> {
    const suffix = instruction.payee.account.slice(-4);
    await sleep(5); // a network round trip
    if (suffix === SANDBOX_ACCOUNTS.unreachable) return this.hang();
    if (suffix === SANDBOX_ACCOUNTS.rejected)
      throw new BankRejected('account_closed', `payee account ${mask(instruction.payee.account)} is closed`);
    const booked = this.books.get(instruction.instructionId);
    if (booked) {
      booked.submissions++;
      // A resend after a lost answer: the batch that was waiting for the resend runs now.
      if (suffix === SANDBOX_ACCOUNTS.firstAnswerLost)
        this.later(this.options.settleAfterMs, () => this.settle(booked));
      return { ...booked.ack, duplicate: true }; // the duplicate check: never a second payment
    }
    const ack: TransferAck = {
      instructionId: instruction.instructionId,
      bankReference: this.reference(),
      acceptedAt: new Date().toISOString(),
      duplicate: false,
    };
    const entry: Booked = {
      instruction,
      ack,
      outcome: { status: 'pending', bankReference: ack.bankReference },
      submissions: 1,
    };
    this.books.set(instruction.instructionId, entry);
    if (suffix === SANDBOX_ACCOUNTS.firstAnswerLost) {
      // Received and booked, but the answer is lost; it settles in a later batch (sooner if the caller resends).
      this.later(Math.max(this.options.settleAfterMs, 10_000), () => this.settle(entry));
      return this.hang();
    }
    this.later(this.options.settleAfterMs, () => this.settle(entry));
    return ack;
  }

  async transferStatus(instructionId: string): Promise<BankTransferStatus> {
    return this.books.get(instructionId)?.outcome ?? { status: 'unknown' };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async settle(entry: Booked): Promise<void> {
    if (entry.outcome.status !== 'pending') return; // settled once, whatever triggers it again
    const { instruction, ack } = entry;
    const suffix = instruction.payee.account.slice(-4);
    const at = new Date().toISOString();
    const notification: BankNotification =
      suffix === SANDBOX_ACCOUNTS.settlementFails
        ? {
            instructionId: instruction.instructionId,
            payoutId: instruction.payoutId,
            bankReference: ack.bankReference,
            amount: instruction.amount,
            status: 'failed',
            reason: 'payee account frozen',
            at,
          }
        : {
            instructionId: instruction.instructionId,
            payoutId: instruction.payoutId,
            bankReference: ack.bankReference,
            amount: instruction.amount,
            status: 'settled',
            at,
          };
    entry.outcome =
      notification.status === 'settled'
        ? { status: 'settled', bankReference: ack.bankReference, amount: instruction.amount, settledAt: at }
        : { status: 'failed', bankReference: ack.bankReference, reason: notification.reason! };
    await this.deliver(instruction.notifyUrl, notification);
    if (suffix === SANDBOX_ACCOUNTS.duplicateNotification)
      this.later(50, () => this.deliver(instruction.notifyUrl, notification));
  }

  /** At-least-once delivery: retried with back-off until the receiver answers 2xx (five tries). */
  private async deliver(url: string, notification: BankNotification): Promise<void> {
    const body = canonicalJson(notification);
    for (let attempt = 1; attempt <= 5 && !this.closed; attempt++) {
      const timestamp = String(Date.now());
      try {
        const res = await fetch(url, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(20_000),
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signNotification(this.options.secret, timestamp, body),
          },
        });
        if (res.ok) return;
        this.options.logger.warn(
          { url, status: res.status, instructionId: notification.instructionId, attempt },
          'bank simulator: notification not accepted, will retry',
        );
      } catch (err) {
        this.options.logger.warn(
          { url, err: (err as Error).message, instructionId: notification.instructionId, attempt },
          'bank simulator: notification delivery failed, will retry',
        );
      }
      await sleep(500 * 2 ** (attempt - 1));
    }
  }

  private later(ms: number, task: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task().catch((err) => this.options.logger.error({ err }, 'bank simulator task failed'));
    }, ms);
    this.timers.add(timer);
  }

  /** Never answers within any sane deadline: the caller's deadline turns this into BankUnavailable. */
  private async hang(): Promise<never> {
    await sleep(this.options.hangMs ?? 120_000);
    throw new BankUnavailable('connection reset by the bank');
  }

  private reference(): string {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    return `SIMBANK${day}${process.pid}${String(++this.sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  }
}
