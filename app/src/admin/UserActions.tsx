import { useState } from 'react';
import { Alert, Button, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

type User = { _id: string; role: string; dept?: string | null; displayName: string; status: string; custody?: string };

/**
 * Looks up a user of this bureau; revokes their certificate (a lost device, someone who left) or issues a new one-time
 * code for a new device (the old certificate is revoked with it). Each needs a reason, kept with the act.
 */
export function UserActions() {
  const { t } = useTranslation();
  const [user, setUser] = useState<User>();
  const [outcome, setOutcome] = useState<{ ok?: string; code?: string; error?: string }>();
  const [reason, setReason] = useState('');
  const messageOf = (error: unknown) => (error as { error?: { message?: string } })?.error?.message ?? 'refused';
  const find = async (username: string) => {
    setOutcome(undefined);
    const { data, error } = await api.GET('/v1/users/{username}', { params: { path: { username } } });
    setUser(data as User | undefined);
    if (!data) setOutcome({ error: messageOf(error) });
  };
  const revoke = async () => {
    const { error } = await api.POST('/v1/users/{username}/revocation', {
      params: { path: { username: user!._id } },
      body: { reason },
    });
    if (!error) await find(user!._id); // the account as it is now
    setOutcome(error ? { error: messageOf(error) } : { ok: t('admin.revoked', { username: user!._id }) });
  };
  const newCode = async () => {
    const { data, error } = await api.POST('/v1/users/{username}/enrollment-codes', {
      params: { path: { username: user!._id } },
      body: { reason },
    });
    const code = (data as { enrollment?: { code: string } } | undefined)?.enrollment?.code;
    setOutcome(code ? { code } : { error: messageOf(error) });
  };
  return (
    <>
      <Input.Search
        aria-label={t('admin.find')}
        placeholder={t('admin.find')}
        enterButton={t('admin.lookUp')}
        onSearch={(q) => q.trim() && void find(q.trim())}
        style={{ maxWidth: 560, marginBottom: 16 }}
      />
      {user && (
        <>
          <Descriptions bordered size="small" column={1} style={{ maxWidth: 560, marginBottom: 16 }}>
            <Descriptions.Item label={t('admin.username')}>{user._id}</Descriptions.Item>
            <Descriptions.Item label={t('admin.displayName')}>{user.displayName}</Descriptions.Item>
            <Descriptions.Item label={t('admin.role')}>{t(`admin.roles.${user.role}`)}</Descriptions.Item>
            <Descriptions.Item label={t('work.status')}>
              <Tag>{t(`admin.status.${user.status}`, { defaultValue: user.status })}</Tag>
              {user.custody && <Tag>{t(`audit.custody.${user.custody}`, { defaultValue: user.custody })}</Tag>}
            </Descriptions.Item>
          </Descriptions>
          <Form layout="vertical" style={{ maxWidth: 560 }}>
            <Form.Item label={t('admin.reason')} required htmlFor="user-act-reason">
              <Input id="user-act-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </Form.Item>
            <Space>
              <Button danger disabled={reason.trim().length < 2} onClick={() => void revoke()}>
                {t('admin.revoke')}
              </Button>
              <Button disabled={reason.trim().length < 2} onClick={() => void newCode()}>
                {t('admin.newCode')}
              </Button>
            </Space>
          </Form>
        </>
      )}
      {outcome?.error && <Alert type="error" showIcon title={outcome.error} style={{ marginTop: 16 }} />}
      {outcome?.ok && <Alert type="success" showIcon title={outcome.ok} style={{ marginTop: 16 }} />}
      {outcome?.code && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 16 }}
          title={t('admin.handOver')}
          description={
            <Typography.Text code copyable style={{ fontSize: 18 }}>
              {outcome.code}
            </Typography.Text>
          }
        />
      )}
    </>
  );
}
