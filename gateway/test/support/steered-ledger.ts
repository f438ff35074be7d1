import crypto from 'node:crypto';
import type { Status } from '@hyperledger/fabric-gateway';
import type { Receipt, SigningUser, SubmitOptions } from '../../src/ledger/ledger';

/**
 * A ledger the test steers, in place of the network, for what the network cannot be made to do on cue: each submit
 * signs (calls onSigned, as the real one does before sending) and then waits until the test commits or fails it; what
 * the channel knows of a transaction ID (statusOf) and what a resend finds are the test's to set.
 */
export class SteeredLedger {
  readonly pending: { transactionId: string; commit: () => void; fail: (err: Error) => void }[] = [];
  /** Signed transactions sent again (by recovery), as their bytes' text. */
  readonly resent: string[] = [];
  /** What the channel holds by transaction ID; absent: not (yet) known. */
  readonly committed = new Map<string, Status>();
  /** What a resend finds: the transaction committed in block 8 (default), or nothing. */
  resendCommits = true;

  async submit(
    _user: SigningUser,
    _ns: string,
    _fn: string,
    args: string[],
    options: SubmitOptions = {},
  ): Promise<{ result: string; receipt: Receipt }> {
    const transactionId = crypto.randomBytes(32).toString('hex');
    await options.onSigned?.(transactionId, Buffer.from(`signed:${transactionId}:${args.join(',')}`));
    await new Promise<void>((commit, fail) => this.pending.push({ transactionId, commit, fail }));
    return { result: '{"ok":true}', receipt: { transactionId, blockNumber: '7', validationCode: 'VALID' } };
  }

  /** The channel now holds `transactionId`, VALID in `block` (or invalidated with `code`). */
  commitOnChannel(transactionId: string, block = 9n, code = 0): void {
    this.committed.set(transactionId, {
      transactionId,
      blockNumber: block,
      code,
      successful: code === 0,
    } as unknown as Status);
  }

  async statusOf(transactionId: string): Promise<Status | undefined> {
    return this.committed.get(transactionId);
  }

  async resend(bytes: Uint8Array): Promise<Status | undefined> {
    const text = Buffer.from(bytes).toString();
    this.resent.push(text);
    const transactionId = text.split(':')[1];
    if (this.resendCommits) this.commitOnChannel(transactionId, 8n);
    return this.committed.get(transactionId);
  }

  resultOf(): string {
    return '{"ok":true}';
  }
}
