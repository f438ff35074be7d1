import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, List, Progress, Select, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PROJECT_TYPES, requiredFiles, type ProjectType } from '@luohu/domain';
import { api, signedWrite } from '../api/client';
import { sha256Of, uploadFile } from '../apply/upload';
import { useSession } from '../session/session';

interface FileState {
  name: string;
  percent: number;
  sha256?: string;
  error?: string;
}

interface Finding {
  check: string;
  ok: boolean;
  detail: string;
}

/**
 * A contractor applies for a project online: what, where, the budget in 元, and each document its type requires,
 * uploaded with progress and its SHA-256 (computed here and checked against the gateway's). Each upload's anchoring
 * and the application itself are signed on this device; the automatic check's findings show at once.
 */
export function ApplyPage() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [type, setType] = useState<ProjectType>('road');
  const [files, setFiles] = useState<Record<string, FileState>>({});
  const [answer, setAnswer] = useState<{ id?: string; passed?: boolean; findings?: Finding[]; error?: string }>();
  const [busy, setBusy] = useState(false);

  const upload = async (kind: string, file: File) => {
    const local = await sha256Of(file);
    setFiles((f) => ({ ...f, [kind]: { name: file.name, percent: 0 } }));
    const res = await uploadFile(session!.holder, file, (percent) =>
      setFiles((f) => ({ ...f, [kind]: { ...f[kind], percent } })),
    ).catch((err: Error) => ({ status: 0, body: { sha256: '', error: { message: err.message } } }));
    const ok = res.status === 200 || res.status === 201;
    const mismatch = ok && res.body.sha256 !== local;
    setFiles((f) => ({
      ...f,
      [kind]: {
        name: file.name,
        percent: 100,
        sha256: ok && !mismatch ? local : undefined,
        error: mismatch ? t('apply.hashMismatch') : ok ? undefined : res.body.error?.message,
      },
    }));
  };

  const apply = async (values: {
    id: string;
    name: string;
    yuan: number;
    address: string;
    lat: number;
    lng: number;
  }) => {
    setBusy(true);
    setAnswer(undefined);
    try {
      const res = await signedWrite(
        session!.holder,
        api.POST('/v1/projects', {
          body: {
            id: values.id,
            name: values.name,
            type,
            budget: Math.round(values.yuan * 100),
            location: { address: values.address, lat: values.lat, lng: values.lng },
            files: requiredFiles(type)
              .filter((kind) => files[kind]?.sha256)
              .map((kind) => ({ kind, sha256: files[kind].sha256! })),
          },
        }),
      );
      if (res.status === 201)
        setAnswer({
          id: values.id,
          passed: res.body.result.autoCheck.passed,
          findings: res.body.result.autoCheck.findings,
        });
      else setAnswer({ error: res.body?.error?.message ?? String(res.status) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('apply.title')}>
      <Form
        layout="vertical"
        style={{ maxWidth: 720 }}
        onFinish={apply}
        initialValues={{ id: `P-${Date.now().toString(36).toUpperCase()}`, lat: 22.548, lng: 114.131 }}
      >
        <Form.Item label={t('apply.id')} name="id" rules={[{ required: true, pattern: /^[A-Za-z0-9._:-]{1,128}$/ }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('apply.name')} name="name" rules={[{ required: true, min: 2, max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('project.type')}>
          <Select
            aria-label={t('project.type')}
            value={type}
            onChange={setType}
            options={PROJECT_TYPES.map((v) => ({ value: v, label: t(`projectType.${v}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('apply.budget')} name="yuan" rules={[{ required: true }]}>
          <InputNumber min={0.01} precision={2} style={{ width: '100%' }} addonAfter="元" />
        </Form.Item>
        <Form.Item label={t('project.location')} name="address" rules={[{ required: true, min: 2, max: 60 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('apply.lat')} name="lat" rules={[{ required: true }]}>
          <InputNumber min={22.5} max={22.6} step={0.001} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label={t('apply.lng')} name="lng" rules={[{ required: true }]}>
          <InputNumber min={114.08} max={114.2} step={0.001} style={{ width: '100%' }} />
        </Form.Item>
        <Typography.Title level={5}>{t('apply.files')}</Typography.Title>
        <List
          dataSource={requiredFiles(type)}
          renderItem={(kind) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <Upload
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void upload(kind, file);
                    return false;
                  }}
                >
                  <Button>{t(`fileKind.${kind}`)}</Button>
                </Upload>
                {files[kind] && (
                  <div>
                    <Progress
                      percent={files[kind].percent}
                      size="small"
                      aria-label={t('apply.progress', { file: files[kind].name })}
                    />
                    {files[kind].sha256 && (
                      <Typography.Text code>
                        {files[kind].name} · SHA-256 {files[kind].sha256}
                      </Typography.Text>
                    )}
                    {files[kind].error && <Alert type="error" showIcon title={files[kind].error} />}
                  </div>
                )}
              </div>
            </List.Item>
          )}
        />
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('apply.submit')}
        </Button>
      </Form>
      {answer?.error && <Alert type="error" showIcon title={answer.error} style={{ marginTop: 16 }} />}
      {answer?.findings && (
        <Alert
          style={{ marginTop: 16 }}
          type={answer.passed ? 'success' : 'warning'}
          showIcon
          title={answer.passed ? t('apply.passed') : t('apply.failed')}
          description={
            <>
              <ul>
                {answer.findings.map((f) => (
                  <li key={f.check}>
                    {f.ok ? '✓' : '✗'} {t(`check.${f.check}`, { defaultValue: f.check })}
                    {f.detail ? `：${f.detail}` : ''}
                  </li>
                ))}
              </ul>
              <Link to={`/projects/${answer.id}`}>{t('apply.open')}</Link>
            </>
          }
        />
      )}
    </Card>
  );
}
