import { z } from 'zod';
import type { RouteTable } from '../platform/routes';
import { AppError } from '../platform/errors';
import { ledgerId, page } from '../shared/schemas';
import { SIGNATURE_HEADER, signatureValid, TIMESTAMP_HEADER, type BankNotification } from './bank-adapter';
import type { BankConfirmations } from './bank-confirmations';
import type { BankSettings } from '../config';
import { TRANSFER_STATUSES } from './bank-transfer-model';
import type { BankTransfers } from './bank-transfers';
import { bankNotification } from './schemas';
import { bankNotificationOutcome, bankTransfer, listPage } from '../shared/record-schemas';

export const NOTIFY_PATH = '/bank/notifications';
const tag = 'funds';
const readers = ['finance', 'director', 'auditor'] as const;

/** Sending approved payouts to the bank, the bank's signed notifications, and the transfers report. */
export function bankRoutes(
  routes: RouteTable,
  transfers: BankTransfers,
  confirmations: BankConfirmations,
  settings: BankSettings,
): void {
  routes.add(
    {
      method: 'post',
      path: '/payouts/:id/bank-transfer',
      response: bankTransfer,
      tag,
      access: ['finance'],
      status: 202,
      summary:
        'Send an approved payout to the bank: the instruction is a ledger transaction by a Finance Bureau finance officer and pays ' +
        "the contract's payee account as the ledger has it (no account is taken from the request). 202: the bank confirms later by a " +
        'signed notification, which marks the payout paid. Repeating the request returns the same transfer; after a bank refusal or ' +
        'failure it sends a new instruction; a paid payout answers 409',
      params: z.strictObject({ id: ledgerId }),
      body: z.strictObject({}).optional(),
    },
    async ({ params, user, req, res }) => {
      const notifyUrl = settings.notifyUrl ?? `${req.protocol}://${req.get('host')}${req.baseUrl}${NOTIFY_PATH}`;
      const sent = await transfers.send(user!, params.id, notifyUrl);
      if ('sign' in sent) {
        // A finance officer who holds their key signs the instruction first (as any write of theirs).
        res
          .status(202)
          .setHeader('Location', `${req.baseUrl}/transactions/${sent.sign.transactionId}/proposal-signature`);
        return sent.sign;
      }
      return sent;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/payouts/:id/bank-transfer',
      response: bankTransfer,
      tag,
      access: [...readers],
      summary: "A payout's transfer: status, attempts, bank reference, notifications, ledger confirmation, history",
      params: z.strictObject({ id: ledgerId }),
    },
    async ({ params }) => transfers.get(params.id),
  );

  routes.add(
    {
      method: 'get',
      path: '/bank-transfers',
      response: listPage(bankTransfer),
      tag,
      access: [...readers],
      summary:
        'Transfers by status — e.g. needs_attention, bank_rejected, settlement_failed: the report of payouts the bank did not pay',
      query: page.extend({ status: z.enum(TRANSFER_STATUSES).optional(), contractId: ledgerId.optional() }),
    },
    async ({ query }) => transfers.list(query, query.limit, query.after),
  );

  routes.add(
    {
      method: 'post',
      path: NOTIFY_PATH,
      response: bankNotificationOutcome,
      tag,
      access: 'public',
      body: bankNotification,
      summary:
        `The bank's notification of a transfer's outcome, signed: ${TIMESTAMP_HEADER} (ms) and ${SIGNATURE_HEADER} = hex HMAC-SHA256 ` +
        'of "<timestamp>.<body as JSON with sorted keys, no whitespace>" under the shared secret. Duplicates are answered 200 and change nothing',
    },
    async ({ body, req }) => {
      if (
        !signatureValid(
          settings.secret,
          req.header(TIMESTAMP_HEADER),
          req.rawBody?.toString('utf8') ?? '',
          req.header(SIGNATURE_HEADER),
        )
      ) {
        throw new AppError(
          401,
          'bad_signature',
          "the notification is not signed with the bank's shared secret, or its timestamp is stale",
        );
      }
      return confirmations.onNotification(body as BankNotification, 'callback');
    },
  );
}
