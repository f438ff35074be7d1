import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The audit workspace (to be built). */
export function AuditWorkspace() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('audit.title')}</Typography.Title>;
}
