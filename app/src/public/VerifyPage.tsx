import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The verify workspace (to be built). */
export function VerifyPage() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('verify.title')}</Typography.Title>;
}
