import type { DomainDeps, DomainModule } from '../domain-deps';
import type { IdentityService } from '../identity/identity-service';
import type { Logger } from '../platform/logger';
import type { Enricher, RecordType } from '../projection/read-model';
import { BANK_CALLBACK_USER, BankConfirmations } from './bank-confirmations';
import { bankRoutes } from './bank-routes';
import { BankSimulator } from './bank-simulator';
import { transferModel } from './bank-transfer-model';
import { BANK_TRANSFER_ROUTE, BankTransfers } from './bank-transfers';
import { contractRoutes } from './contract-routes';
import { contractEnricher } from './queries';
import { payoutRoutes } from './payout-routes';

/**
 * 合同履约 / 资金拨付: contracts, milestones, change orders, acceptance, payouts, bank confirmation.
 * The bank is reached through the BankAdapter interface; this build wires the simulator (there is no bank contract yet).
 */
export function fundsRoutes(deps: DomainDeps): DomainModule {
  const { routes, writes, ledger, identities, config, logger } = deps;
  const settings = config.bank;
  const Transfer = transferModel(deps.connection);
  const adapter = new BankSimulator({
    secret: settings.secret,
    settleAfterMs: settings.settleAfterMs,
    logger: logger.child({ component: 'bank-simulator' }),
  });
  const confirmations = new BankConfirmations(Transfer, writes, ledger, identities, settings, logger);
  const transfers = new BankTransfers(Transfer, adapter, confirmations, settings, logger);

  contractRoutes(deps);
  payoutRoutes(deps);
  bankRoutes(routes, transfers, confirmations, settings);
  // A key holder's signed instruction committed: the transfer goes on as for a custodial officer, and so does the answer.
  writes.continuations.set(BANK_TRANSFER_ROUTE, async (userId, _outcome, state) => {
    const { payoutId, notifyUrl } = state as { payoutId: string; notifyUrl: string };
    const sent = await transfers.send(await identities.get(userId), payoutId, notifyUrl);
    return { status: 202, body: sent };
  });

  return {
    async start() {
      await ensureBankCallbackUser(identities, logger);
      transfers.start();
    },
    async stop() {
      await transfers.stop();
    },
  };
}

/**
 * The Finance Bureau's system user that signs bank confirmations (finance @ FinanceMSP, department settlement, its own CA-issued key,
 * a password nobody knows), registered once by admin.finance through the IdentityService's system-user API.
 */
async function ensureBankCallbackUser(identities: IdentityService, logger: Logger): Promise<void> {
  try {
    // Department `settlement`: the chaincode lets only it confirm payments, and never lets it instruct one.
    await identities.ensureSystemUser('admin.finance', {
      username: BANK_CALLBACK_USER,
      role: 'finance',
      dept: 'settlement',
      displayName: 'Bank settlement desk (system)',
    });
  } catch (err) {
    // Without it bank notifications cannot be confirmed: they stay 'confirm_retry', then 'needs_attention' — reported, never lost.
    logger.error({ err }, `could not register ${BANK_CALLBACK_USER}: bank confirmations will not be recorded`);
  }
}

/** Query fields this family's record types keep in the read model. */
export const fundsEnrichers: Partial<Record<RecordType, Enricher>> = { contract: contractEnricher };
