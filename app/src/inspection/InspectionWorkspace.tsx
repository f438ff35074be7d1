import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The inspection workspace (to be built). */
export function InspectionWorkspace() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('inspection.title')}</Typography.Title>;
}
