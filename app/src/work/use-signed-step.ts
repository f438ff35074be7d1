import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ClientResponse } from '@luohu/client';

/** A step's refusal as the page shows it: the gateway's message (or the status when it gave none). */
export const refusalOf = (answer: ClientResponse): string =>
  (answer.body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${answer.status}`;

/**
 * Runs one signed step of a work queue: busy while it runs, the receipt ("signed by you") when committed, the
 * gateway's refusal otherwise (returned too, for a dialog to show); the queue is re-read after a commit.
 */
export function useSignedStep() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string>();
  const [done, setDone] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const run = async (key: string, write: () => Promise<ClientResponse>): Promise<string | undefined> => {
    setBusy(key);
    setDone(undefined);
    setFailed(undefined);
    const fail = (why: string) => {
      setFailed(why);
      return why;
    };
    try {
      const answer = await write();
      // 202 after the signatures: accepted and going on (a bank transfer: the bank confirms later).
      if (![200, 201, 202].includes(answer.status)) return fail(refusalOf(answer));
      const receipt = (answer.body as { receipt?: { transactionId: string; blockNumber: string } }).receipt;
      setDone(
        receipt
          ? t('work.done', { tx: receipt.transactionId.slice(0, 12), block: receipt.blockNumber })
          : t('work.accepted'),
      );
      await queryClient.invalidateQueries({ queryKey: ['work-queue'] });
      return undefined;
    } catch (err) {
      return fail((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, done, failed, run };
}
