import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { ContractList } from '../contracts/ContractList';
import { ContractView } from '../contracts/ContractView';

/** 质量安全监督: the contracts, each page listing its milestones with planned against actual progress to accept. */
export function InspectionWorkspace() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route
        index
        element={
          <Card title={t('inspection.title')}>
            <Typography.Paragraph type="secondary">{t('inspection.intro')}</Typography.Paragraph>
            <ContractList base="/inspection" />
          </Card>
        }
      />
      <Route path="contracts/:id" element={<ContractView />} />
    </Routes>
  );
}
