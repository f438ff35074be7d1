import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The dashboard workspace (to be built). */
export function Dashboard() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>;
}
