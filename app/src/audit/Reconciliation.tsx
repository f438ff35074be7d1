import { useState } from 'react';
import { Alert, Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import { findingDetails, findingSubject, runningRun, type Finding, type Run } from './findings';
import { TONE_COLOR } from './ToneTag';

const when = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—');
const messageOf = (error: unknown, status: number) =>
  (error as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${status}`;
const STATUS_COLOR: Record<Run['status'], string> = {
  running: '#0958d9',
  completed: TONE_COLOR.success,
  failed: TONE_COLOR.error,
};

/**
 * 对账: every read-model record and stored file compared with the ledger. The auditor starts a run, follows it, and
 * reads the findings; new findings and ended runs are pushed live (LiveProvider re-reads the 'reconciliation' queries).
 */
export function Reconciliation() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const runs = useQuery({
    queryKey: ['reconciliation', 'runs'],
    queryFn: async () => {
      const { data, error, response } = await api.GET('/v1/reconciliation/runs', { params: { query: { limit: 5 } } });
      if (!data) throw new Error(messageOf(error, response.status));
      return data.items;
    },
    // A run's progress is read again while it runs; its end (and each finding) also arrives live.
    refetchInterval: (query) => (runningRun(query.state.data ?? []) ? 3_000 : false),
  });
  const findings = useQuery({
    queryKey: ['reconciliation', 'findings', status],
    queryFn: async () => {
      const { data, error, response } = await api.GET('/v1/reconciliation/findings', {
        params: { query: { status, limit: 100 } },
      });
      if (!data) throw new Error(messageOf(error, response.status));
      return data;
    },
  });
  const start = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/v1/reconciliation/runs', { body: {} });
      if (response.status === 409) throw new Error(t('audit.reconciliation.busy'));
      if (!data) throw new Error(messageOf(error, response.status));
      return data;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['reconciliation'] }),
  });
  const running = runningRun(runs.data ?? []);
  return (
    <Card title={t('audit.reconciliation.title')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('audit.reconciliation.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button type="primary" loading={start.isPending} disabled={!!running} onClick={() => start.mutate()}>
          {t('audit.reconciliation.start')}
        </Button>
        {running && (
          <Typography.Text>
            {t('audit.reconciliation.runningNow', {
              checking: running.progress.checking ?? '—',
              records: running.progress.recordsChecked,
              files: running.progress.filesChecked,
            })}
          </Typography.Text>
        )}
      </Space>
      {start.error && <Alert type="error" showIcon title={start.error.message} style={{ marginBottom: 16 }} />}
      {runs.error && <Alert type="error" showIcon title={runs.error.message} style={{ marginBottom: 16 }} />}
      <Typography.Title level={5}>{t('audit.reconciliation.runs')}</Typography.Title>
      <Table<Run>
        rowKey="id"
        size="small"
        pagination={false}
        loading={runs.isLoading}
        dataSource={runs.data ?? []}
        locale={{ emptyText: t('audit.reconciliation.noRuns') }}
        style={{ marginBottom: 24 }}
        columns={[
          { title: t('audit.reconciliation.startedAt'), dataIndex: 'startedAt', render: when },
          {
            title: t('audit.reconciliation.trigger'),
            dataIndex: 'trigger',
            render: (trigger: Run['trigger'], r) =>
              `${t(`audit.reconciliation.triggers.${trigger}`)}${r.requestedBy ? `（${r.requestedBy}）` : ''}`,
          },
          {
            title: t('audit.reconciliation.status'),
            dataIndex: 'status',
            render: (s: Run['status'], r) => (
              <Tag color={STATUS_COLOR[s]} title={r.error ?? undefined}>
                {t(`audit.reconciliation.runStatus.${s}`)}
              </Tag>
            ),
          },
          {
            title: t('audit.reconciliation.checked'),
            key: 'checked',
            render: (_: unknown, r) =>
              t('audit.reconciliation.checkedCount', {
                records: r.progress.recordsChecked,
                files: r.progress.filesChecked,
              }),
          },
          {
            title: t('audit.reconciliation.outcome'),
            key: 'outcome',
            render: (_: unknown, r) =>
              t('audit.reconciliation.outcomeCount', {
                differences: r.progress.differences,
                found: r.progress.newFindings,
                resolved: r.progress.resolvedFindings,
              }),
          },
          { title: t('audit.reconciliation.finishedAt'), dataIndex: 'finishedAt', render: when },
        ]}
      />
      <Space wrap style={{ marginBottom: 12 }} align="center">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('audit.reconciliation.findings')}
        </Typography.Title>
        <Segmented<'open' | 'resolved'>
          aria-label={t('audit.reconciliation.findingStatus')}
          value={status}
          onChange={setStatus}
          options={[
            { value: 'open', label: t('audit.reconciliation.open') },
            { value: 'resolved', label: t('audit.reconciliation.resolved') },
          ]}
        />
      </Space>
      {findings.error && <Alert type="error" showIcon title={findings.error.message} style={{ marginBottom: 16 }} />}
      <Table<Finding>
        rowKey="id"
        size="small"
        pagination={false}
        loading={findings.isLoading}
        dataSource={findings.data?.items ?? []}
        locale={{ emptyText: t('audit.reconciliation.noFindings') }}
        columns={[
          {
            title: t('audit.reconciliation.kind'),
            dataIndex: 'kind',
            render: (k: Finding['kind']) => <Tag>{t(`audit.reconciliation.kinds.${k}`)}</Tag>,
          },
          {
            title: t('audit.reconciliation.subject'),
            key: 'subject',
            render: (_: unknown, f) => {
              const s = findingSubject(f);
              return s.to ? (
                <Link to={s.to} style={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                  {s.label}
                </Link>
              ) : (
                <Typography.Text code style={{ overflowWrap: 'anywhere' }}>
                  {s.label}
                </Typography.Text>
              );
            },
          },
          {
            title: t('audit.reconciliation.details'),
            key: 'details',
            render: (_: unknown, f) =>
              findingDetails(f).map((d, i) => (
                <div key={i} style={{ overflowWrap: 'anywhere' }}>
                  {t(`audit.reconciliation.detail.${d.key}`, d.values)}
                </div>
              )),
          },
          {
            title: t('audit.reconciliation.seen'),
            key: 'seen',
            render: (_: unknown, f) =>
              f.status === 'resolved'
                ? t('audit.reconciliation.seenResolved', { first: when(f.firstSeenAt), resolved: when(f.resolvedAt) })
                : t('audit.reconciliation.seenOpen', { first: when(f.firstSeenAt), last: when(f.lastSeenAt) }),
          },
        ]}
      />
      {findings.data?.next && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('audit.reconciliation.more')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
