import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The contractor workspace (to be built). */
export function ContractorWorkspace() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('contractor.title')}</Typography.Title>;
}
