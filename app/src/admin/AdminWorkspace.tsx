import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The admin workspace (to be built). */
export function AdminWorkspace() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('admin.title')}</Typography.Title>;
}
