import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { ContractList } from '../contracts/ContractList';
import { ContractView } from '../contracts/ContractView';
import { PaymentAlertList } from '../contracts/PaymentAlertList';
import { PayoutQueue } from '../contracts/PayoutQueue';
import { useSession } from '../session/session';

/**
 * 资金拨付: payouts awaiting this bureau's act (Finance: requested ones to follow, approved ones to send to the bank;
 * Housing's director: requested ones to approve), overpayment alerts, and every contract with its page.
 */
function FinanceHome() {
  const { t } = useTranslation();
  const me = useSession().session!.me;
  const waiting = me.mspId === 'HousingMSP' ? (['requested'] as const) : (['requested', 'approved'] as const);
  return (
    <>
      <Card title={t('finance.waiting')} style={{ marginBottom: 16 }}>
        <PayoutQueue base="/finance" statuses={waiting} />
      </Card>
      <Card title={t('finance.paid')} style={{ marginBottom: 16 }}>
        <PayoutQueue base="/finance" statuses={['paid']} />
      </Card>
      <Card title={t('contracts.alerts')} style={{ marginBottom: 16 }}>
        <PaymentAlertList />
      </Card>
      <Card title={t('finance.contracts')}>
        <ContractList base="/finance" />
      </Card>
    </>
  );
}

/** The finance office's workspace (and the Housing director's payout approvals). */
export function FinanceWorkspace() {
  return (
    <Routes>
      <Route index element={<FinanceHome />} />
      <Route path="contracts/:id" element={<ContractView />} />
    </Routes>
  );
}
