import { useState } from 'react';
import { Alert, Button, Collapse, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/session';

/**
 * The bureau administrators' sign-in, by password: their identity is custodial (they register people and devices and
 * bind seals — acts the chaincode does not require to be personal), so it is kept apart from the people's key sign-in.
 */
export function AdminSignIn() {
  const { t } = useTranslation();
  const { signInWithPassword } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Collapse
      style={{ marginTop: 16 }}
      items={[
        {
          key: 'admin',
          label: t('signIn.admin.title'),
          children: (
            <Form
              name="admin-sign-in" // its own field IDs: the key sign-in's form has a "username" too
              layout="vertical"
              onFinish={async (v: { username: string; password: string }) => {
                setBusy(true);
                setError(undefined);
                await signInWithPassword(v.username, v.password)
                  .catch((err: Error) => setError(t('signIn.failed', { message: err.message })))
                  .finally(() => setBusy(false));
              }}
            >
              <Form.Item label={t('signIn.admin.username')} name="username" rules={[{ required: true }]}>
                <Input autoComplete="username" />
              </Form.Item>
              <Form.Item label={t('signIn.admin.password')} name="password" rules={[{ required: true }]}>
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
              <Button htmlType="submit" loading={busy} block>
                {t('signIn.admin.submit')}
              </Button>
            </Form>
          ),
        },
      ]}
    />
  );
}
