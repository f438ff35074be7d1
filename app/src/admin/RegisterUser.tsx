import { useState } from 'react';
import { Alert, Button, Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { belongsTo, COMPANY_ROLES, DEPARTMENT_CODES, ROLES, type Role } from '@luohu/domain';
import { api } from '../api/client';
import { useSession } from '../session/session';

interface Registration {
  username: string;
  role: Exclude<Role, 'admin'>;
  dept?: string;
  company?: string;
  displayName: string;
}

/**
 * Registers a person or device of this bureau (role, department or company) without a password: the answer is the
 * one-time enrollment code to hand over; their device makes its own key with it. The code is shown once.
 */
export function RegisterUser() {
  const { t } = useTranslation();
  const me = useSession().session!.me;
  const [form] = Form.useForm<Registration>();
  const role = Form.useWatch('role', form);
  const [answer, setAnswer] = useState<{ username: string; code: string; expiresAt?: string; error?: string }>();
  const [busy, setBusy] = useState(false);
  const departments = DEPARTMENT_CODES.filter((d) => belongsTo(d, me.mspId));
  const register = async (v: Registration) => {
    setBusy(true);
    setAnswer(undefined);
    try {
      const { data, error } = await api.POST('/v1/users', { body: v });
      const enrollment = (data as { enrollment?: { code: string; expiresAt?: string } } | undefined)?.enrollment;
      if (enrollment) setAnswer({ username: v.username, code: enrollment.code, expiresAt: enrollment.expiresAt });
      else
        setAnswer({
          username: v.username,
          code: '',
          error: (error as { error?: { message?: string } })?.error?.message ?? 'refused',
        });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        onFinish={register}
        initialValues={{ role: 'clerk' }}
      >
        <Form.Item
          label={t('admin.username')}
          name="username"
          rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9._-]{2,63}$/ }]}
        >
          <Input />
        </Form.Item>
        <Form.Item label={t('admin.displayName')} name="displayName" rules={[{ required: true, min: 2, max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('admin.role')} name="role" rules={[{ required: true }]}>
          <Select
            options={ROLES.filter((r) => r !== 'admin').map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))}
          />
        </Form.Item>
        {role && COMPANY_ROLES.includes(role) ? (
          <Form.Item label={t('admin.company')} name="company" rules={[{ required: true }]}>
            <Input placeholder="C-…" />
          </Form.Item>
        ) : (
          role !== 'device' && (
            <Form.Item label={t('admin.dept')} name="dept">
              <Select allowClear options={departments.map((d) => ({ value: d, label: t(`dept.${d}`) }))} />
            </Form.Item>
          )
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('admin.register')}
        </Button>
      </Form>
      {answer?.error && <Alert type="error" showIcon title={answer.error} style={{ marginTop: 16 }} />}
      {answer?.code && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 16 }}
          title={t('admin.registered', { username: answer.username })}
          description={
            <>
              <Typography.Paragraph>{t('admin.handOver')}</Typography.Paragraph>
              <Typography.Text code copyable style={{ fontSize: 18 }}>
                {answer.code}
              </Typography.Text>
            </>
          }
        />
      )}
    </>
  );
}
