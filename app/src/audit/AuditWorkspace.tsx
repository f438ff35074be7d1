import { useState } from 'react';
import { Alert, Card, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate } from 'react-router';
import { BlockView } from './BlockView';
import { searchTarget } from './search';
import { TransactionView } from './TransactionView';

/** 审计: search by transaction ID, block number or project, then the explorer's views and evidence bundles. */
function AuditSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [invalid, setInvalid] = useState(false);
  return (
    <Card title={t('audit.title')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('audit.intro')}</Typography.Paragraph>
      <Input.Search
        aria-label={t('audit.search')}
        placeholder={t('audit.search')}
        enterButton={t('audit.go')}
        allowClear
        onSearch={(q) => {
          const target = searchTarget(q);
          setInvalid(!target);
          if (target) void navigate(target);
        }}
      />
      {invalid && <Alert type="error" showIcon title={t('audit.invalid')} style={{ marginTop: 16 }} />}
    </Card>
  );
}

/** The auditor's workspace. */
export function AuditWorkspace() {
  return (
    <>
      <AuditSearch />
      <Routes>
        <Route index element={null} />
        <Route path="tx/:txId" element={<TransactionView />} />
        <Route path="blocks/:number" element={<BlockView />} />
      </Routes>
    </>
  );
}
