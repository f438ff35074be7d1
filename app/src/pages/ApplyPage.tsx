import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PROJECT_TYPES, requiredFiles, type ProjectType } from '@luohu/domain';
import { api, signedWrite } from '../api/client';
import { FileUploads, useUploads } from '../apply/FileUploads';
import { MyApplications } from '../apply/MyApplications';
import { useSession } from '../session/session';
import { LazyDistrictMap } from '../map/LazyDistrictMap';

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
  const uploads = useUploads();
  const [answer, setAnswer] = useState<{ id?: string; passed?: boolean; findings?: Finding[]; error?: string }>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const lat = Form.useWatch('lat', form) as number | undefined;
  const lng = Form.useWatch('lng', form) as number | undefined;

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
        session!.holder!,
        api.POST('/v1/projects', {
          body: {
            id: values.id,
            name: values.name,
            type,
            budget: Math.round(values.yuan * 100),
            location: { address: values.address, lat: values.lat, lng: values.lng },
            files: uploads.uploaded(requiredFiles(type)),
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
    <>
      <MyApplications />
      <Card title={t('apply.title')}>
        <Form
          form={form}
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
          <Form.Item label={t('apply.place')} extra={t('apply.placeHint')}>
            <LazyDistrictMap
              label={t('apply.mapLabel')}
              height={280}
              points={[]}
              pin={lat !== undefined && lng !== undefined ? { lat, lng } : undefined}
              onPick={(p) => form.setFieldsValue({ lat: Number(p.lat.toFixed(4)), lng: Number(p.lng.toFixed(4)) })}
            />
          </Form.Item>
          <Form.Item label={t('apply.lat')} name="lat" rules={[{ required: true }]}>
            <InputNumber min={22.5} max={22.6} step={0.001} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label={t('apply.lng')} name="lng" rules={[{ required: true }]}>
            <InputNumber min={114.08} max={114.2} step={0.001} style={{ width: '100%' }} />
          </Form.Item>
          <Typography.Title level={5}>{t('apply.files')}</Typography.Title>
          <FileUploads kinds={requiredFiles(type)} uploads={uploads} />
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
    </>
  );
}
