import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, signedWrite } from '../api/client';
import { DEADLINE_COLOURS } from '../format/deadline';
import { deviationTone } from '../dashboard/figures';
import { useSession } from '../session/session';
import { useSignedStep } from '../work/use-signed-step';
import type { Milestone } from './contract-data';
import { may } from './roles';

interface ReportFields {
  milestoneId?: string;
  reportDate: string;
  plannedPercent: number;
  actualPercent: number;
}

/**
 * Progress reports of a contract, planned against actual (the deviation coloured as on the dashboard), and — for the
 * contractor, the clerk and the inspector — a new report, signed on this device.
 */
export function ProgressReports({ contractId, milestones }: { contractId: string; milestones: Milestone[] }) {
  const { t } = useTranslation();
  const me = useSession().session!;
  const queryClient = useQueryClient();
  const step = useSignedStep();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const [form] = Form.useForm<ReportFields>();
  const reports = useQuery({
    queryKey: ['contract', contractId, 'progress-reports'],
    queryFn: async () =>
      (
        await api.GET('/v1/contracts/{id}/progress-reports', {
          params: { path: { id: contractId }, query: { limit: 100 } },
        })
      ).data?.items ?? [],
  });
  const report = async (fields: ReportFields) => {
    setError(undefined);
    const refusal = await step.run('progress', () =>
      signedWrite(
        me.holder!,
        api.POST('/v1/contracts/{id}/progress-reports', {
          params: { path: { id: contractId } },
          body: {
            id: `R-${dayjs().format('YYYYMMDDHHmmss')}`,
            ...fields,
            milestoneId: fields.milestoneId || undefined,
          },
        }),
      ),
    );
    if (refusal) return setError(refusal);
    setOpen(false);
    await queryClient.invalidateQueries({ queryKey: ['contract', contractId] });
  };
  const name = (id: string | null) => milestones.find((m) => m.id === id)?.name ?? id ?? '—';
  return (
    <>
      <Space style={{ marginTop: 24, marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('contracts.progressReports.title')}
        </Typography.Title>
        {may.reportProgress(me.me) && (
          <Button onClick={() => setOpen(true)}>{t('contracts.progressReports.add')}</Button>
        )}
      </Space>
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginBottom: 8 }} />}
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        loading={reports.isLoading}
        dataSource={[...(reports.data ?? [])].sort((a, b) => b.reportDate.localeCompare(a.reportDate))}
        columns={[
          { title: t('contracts.progressReports.date'), dataIndex: 'reportDate' },
          { title: t('contracts.milestone'), dataIndex: 'milestoneId', render: name },
          {
            title: t('contracts.progressReports.planned'),
            dataIndex: 'plannedPercent',
            align: 'right',
            render: (v) => `${v}%`,
          },
          {
            title: t('contracts.progressReports.actual'),
            dataIndex: 'actualPercent',
            align: 'right',
            render: (v) => `${v}%`,
          },
          {
            title: t('contracts.progressReports.deviation'),
            key: 'deviation',
            align: 'right',
            render: (_: unknown, r) => {
              const d = r.actualPercent - r.plannedPercent;
              return <Tag color={DEADLINE_COLOURS[deviationTone(d)]}>{`${d > 0 ? '+' : ''}${d}`}</Tag>;
            },
          },
        ]}
      />
      {open && (
        <Modal
          open
          title={t('contracts.progressReports.add')}
          okText={t('work.sign')}
          cancelText={t('work.cancel')}
          confirmLoading={step.busy !== undefined}
          onOk={() => form.submit()}
          onCancel={() => setOpen(false)}
        >
          <Form
            form={form}
            layout="vertical"
            initialValues={{ reportDate: dayjs().format('YYYY-MM-DD') }}
            onFinish={(fields) => void report(fields)}
          >
            <Form.Item label={t('contracts.milestone')} name="milestoneId">
              <Select
                allowClear
                placeholder={t('contracts.progressReports.wholeContract')}
                options={milestones.map((m) => ({ value: m.id, label: `${m.name}（${m.id}）` }))}
              />
            </Form.Item>
            <Form.Item label={t('contracts.progressReports.date')} name="reportDate" rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item
              label={t('contracts.progressReports.planned')}
              name="plannedPercent"
              rules={[{ required: true }]}
            >
              <InputNumber min={0} max={100} addonAfter="%" style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label={t('contracts.progressReports.actual')} name="actualPercent" rules={[{ required: true }]}>
              <InputNumber min={0} max={100} addonAfter="%" style={{ width: '100%' }} />
            </Form.Item>
            {error && <Alert type="error" showIcon title={error} />}
          </Form>
        </Modal>
      )}
    </>
  );
}
