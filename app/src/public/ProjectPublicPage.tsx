import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The publicProject workspace (to be built). */
export function ProjectPublicPage() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('publicProject.title')}</Typography.Title>;
}
