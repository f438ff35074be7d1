import { useState } from 'react';
import { Alert, Button, Card, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { api, signedWrite } from '../api/client';
import { readAll } from '../api/read-all';
import { DEADLINE_COLOURS } from '../format/deadline';
import { useSession } from '../session/session';
import { alertWork, type AlertWork, type SafetyAlert } from './site-steps';
import { StepDialog } from './StepDialog';
import { useSignedStep } from './use-signed-step';

/**
 * Safety alerts from the sites' cameras awaiting a Housing clerk: acknowledge an open one, resolve it once dealt with.
 * A new alert arrives here live (the socket marks `work-queue` stale) without a reload.
 */
export function AlertQueue() {
  const { t } = useTranslation();
  const { session } = useSession();
  const step = useSignedStep();
  const [resolving, setResolving] = useState<{ alert: SafetyAlert; error?: string }>();
  const me = session!.me;
  const alerts = useQuery({
    queryKey: ['work-queue', 'alerts', me._id],
    queryFn: async () => {
      const lists = await Promise.all(
        (['open', 'acknowledged'] as const).map((status) =>
          readAll(async (after) => {
            const { data, error } = await api.GET('/v1/alerts', { params: { query: { status, limit: 100, after } } });
            if (!data) throw new Error(JSON.stringify(error));
            return data;
          }),
        ),
      );
      return lists.flat().sort((a, b) => String(b.raisedAt).localeCompare(String(a.raisedAt)));
    },
  });

  const act = async (work: AlertWork, alert: SafetyAlert, resolution?: string) => {
    const path = { params: { path: { id: alert.id } } };
    const refusal = await step.run(`${work}:${alert.id}`, () =>
      work === 'acknowledge'
        ? signedWrite(session!.holder!, api.POST('/v1/alerts/{id}/acknowledgement', path))
        : signedWrite(
            session!.holder!,
            api.POST('/v1/alerts/{id}/resolution', { ...path, body: { resolution: resolution! } }),
          ),
    );
    if (work === 'resolve') setResolving(refusal ? { alert, error: refusal } : undefined);
  };

  return (
    <Card title={t('work.alerts.title')} style={{ marginBottom: 16 }}>
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginBottom: 16 }} />}
      {step.failed && !resolving && <Alert type="error" showIcon title={step.failed} style={{ marginBottom: 16 }} />}
      <Table<SafetyAlert>
        rowKey="id"
        size="small"
        loading={alerts.isLoading}
        dataSource={alerts.data ?? []}
        locale={{ emptyText: t('work.alerts.empty') }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          {
            title: t('work.alerts.kind'),
            dataIndex: 'alertType',
            render: (kind: string, a) => (
              <Tag color={a.status === 'open' ? DEADLINE_COLOURS.overdue : DEADLINE_COLOURS.due}>
                {t(`alertType.${kind}`)}
              </Tag>
            ),
          },
          {
            title: t('work.project'),
            dataIndex: 'projectId',
            render: (id: string) => <Link to={`/projects/${id}`}>{id}</Link>,
          },
          { title: t('work.alerts.device'), dataIndex: 'deviceId' },
          {
            title: t('work.alerts.raisedAt'),
            dataIndex: 'raisedAt',
            render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss'),
          },
          { title: t('work.status'), dataIndex: 'status', render: (s: string) => t(`work.alerts.status.${s}`) },
          {
            title: t('work.action'),
            key: 'action',
            render: (_: unknown, a) =>
              alertWork(me, a).map((work) => (
                <Button
                  key={work}
                  type="primary"
                  loading={step.busy === `${work}:${a.id}`}
                  onClick={() => (work === 'acknowledge' ? void act(work, a) : setResolving({ alert: a }))}
                >
                  {t(`work.alerts.${work}`)}
                </Button>
              )),
          },
        ]}
      />
      {resolving && (
        <StepDialog
          title={`${t('work.alerts.resolve')}：${resolving.alert.id}`}
          label={t('work.alerts.resolution')}
          min={2}
          max={2000}
          error={resolving.error}
          busy={step.busy !== undefined}
          onSign={(text) => void act('resolve', resolving.alert, text)}
          onCancel={() => setResolving(undefined)}
        />
      )}
    </Card>
  );
}
