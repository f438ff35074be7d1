import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { heldKey } from '../keys/key-store';
import { useSession } from '../session/session';
import { AdminSignIn } from './AdminSignIn';

/**
 * Sign-in with the key this device holds; on a device without the user's key, enrollment with the one-time code
 * their bureau admin handed over (the key is made here, non-extractable, and never leaves the browser).
 */
export function SignIn() {
  const { t } = useTranslation();
  const { signInWithKey, enrollAndSignIn } = useSession();
  const [username, setUsername] = useState<string>();
  const [hasKey, setHasKey] = useState<boolean>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const attempt = async (act: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await act();
    } catch (err) {
      setError(t('signIn.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('signIn.title')} style={{ maxWidth: 440, margin: '48px auto' }}>
      <Form
        layout="vertical"
        onFinish={(values: { username: string; code?: string }) =>
          attempt(async () => {
            if (hasKey === undefined || values.username !== username) {
              setUsername(values.username);
              const held = Boolean(await heldKey(values.username));
              setHasKey(held);
              if (!held) return;
            }
            if (values.code) await enrollAndSignIn(values.username, values.code);
            else await signInWithKey(values.username);
          })
        }
      >
        <Form.Item
          label={t('signIn.username')}
          name="username"
          rules={[{ required: true, message: t('signIn.usernameRequired') }]}
        >
          <Input autoComplete="username" autoFocus onChange={() => setHasKey(undefined)} />
        </Form.Item>
        {hasKey === true && <Typography.Paragraph>{t('signIn.keyHere', { username })}</Typography.Paragraph>}
        {hasKey === false && (
          <>
            <Typography.Paragraph>{t('signIn.noKey', { username })}</Typography.Paragraph>
            <Form.Item
              label={t('signIn.code')}
              name="code"
              rules={[{ required: true, message: t('signIn.codeRequired') }]}
            >
              <Input autoComplete="one-time-code" placeholder="7K3Q-…" />
            </Form.Item>
          </>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy} block>
          {hasKey === false ? t('signIn.enroll') : t('signIn.withKey')}
        </Button>
        <Typography.Paragraph style={{ marginTop: 16, color: '#595959' }}>{t('signIn.lostKey')}</Typography.Paragraph>
      </Form>
      <AdminSignIn />
    </Card>
  );
}
