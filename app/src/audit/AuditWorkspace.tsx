import { useState } from 'react';
import { Alert, Card, Input, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate } from 'react-router';
import { BlockView } from './BlockView';
import { Checkpoints } from './Checkpoints';
import { Reconciliation } from './Reconciliation';
import { RecordHistory } from './RecordHistory';
import { searchTarget } from './search';
import { TransactionView } from './TransactionView';
import { VerifyUpload } from './VerifyUpload';

/** 审计: search by transaction ID (or document hash), block number, record key or project, then the explorer's views and evidence bundles. */
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

/** What the auditor does besides searching: verify a file, keep checkpoints, follow reconciliation. */
function AuditTools() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'verify', label: t('audit.tabs.verify'), children: <VerifyUpload /> },
        { key: 'checkpoints', label: t('audit.tabs.checkpoints'), children: <Checkpoints /> },
        { key: 'reconciliation', label: t('audit.tabs.reconciliation'), children: <Reconciliation /> },
      ]}
    />
  );
}

/** The auditor's workspace. */
export function AuditWorkspace() {
  return (
    <>
      <AuditSearch />
      <Routes>
        <Route index element={<AuditTools />} />
        <Route path="tx/:txId" element={<TransactionView />} />
        <Route path="blocks/:number" element={<BlockView />} />
        <Route path="records/:kind/:id" element={<RecordHistory />} />
      </Routes>
    </>
  );
}
