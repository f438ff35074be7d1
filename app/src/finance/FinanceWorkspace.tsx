import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The finance workspace (to be built). */
export function FinanceWorkspace() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('finance.title')}</Typography.Title>;
}
