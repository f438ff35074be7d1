import { Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { rememberComplaint } from './my-complaints';
import { Panel } from './Panel';

/**
 * Track a complaint by its number from any device; with the receipt token as well, this device may rate the answer
 * (the token is kept here, as on the device that filed it).
 */
export function TrackComplaint() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const track = ({ id, token }: { id: string; token?: string }) => {
    const number = id.trim();
    if (token?.trim()) rememberComplaint({ id: number, token: token.trim(), filedAt: new Date().toISOString() });
    navigate(`/public/complaints/${encodeURIComponent(number)}`);
  };
  return (
    <Panel title={t('public.trackTitle')}>
      <Form layout="vertical" onFinish={track}>
        <Form.Item
          label={t('public.trackNumber')}
          name="id"
          rules={[{ required: true, pattern: /^[A-Za-z0-9._:-]{1,128}$/, message: t('public.trackNumberRequired') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('public.trackToken')} name="token">
          <Input autoComplete="off" />
        </Form.Item>
        <Button htmlType="submit" block>
          {t('public.trackSubmit')}
        </Button>
      </Form>
    </Panel>
  );
}
