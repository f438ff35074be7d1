import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { ContractList } from '../contracts/ContractList';
import { ContractView } from '../contracts/ContractView';

/** The contractor's contracts (the gateway shows a company only its own): milestones, payouts, bank confirmations. */
export function ContractorWorkspace() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route
        index
        element={
          <Card title={t('contractor.title')}>
            <ContractList base="/contracts" />
          </Card>
        }
      />
      <Route path="contracts/:id" element={<ContractView />} />
    </Routes>
  );
}
