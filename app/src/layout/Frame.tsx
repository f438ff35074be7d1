import { Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { setLanguage } from '../i18n';

/** The frame of every page: the system's name, what the page puts in the header, and the language switch. */
export function Frame({ header, children }: { header?: ReactNode; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignItems: 'center',
          justifyContent: 'space-between',
          height: 'auto',
          lineHeight: '32px',
          padding: '8px 16px',
          gap: 8,
        }}
      >
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, fontSize: 18, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Title>
        <Space wrap>
          {header}
          <Button size="small" onClick={() => void setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
            {t('nav.language')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>{children}</Layout.Content>
    </Layout>
  );
}
