import { useState } from 'react';
import { Alert, Button, Card, Input, Space, Table, Tag } from 'antd';
import { experimental_streamedQuery as streamedQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import { readPages } from '../api/read-all';
import { formatYuan } from '../format/amount';
import { matches } from '../format/matches';
import { DEADLINE_COLOURS, deadlineState } from '../format/deadline';
import { useSession } from '../session/session';
import { act, type Verdict } from './act';
import { ActionDialog } from './ActionDialog';
import { awaiting, queueOf, type Project, type WorkAction } from './work-items';

/**
 * The projects awaiting this person's action — pre-review for a Housing clerk, their department's reviews for a reviewer,
 * decisions for the director — with the working-day deadline (red when overdue), soonest first. Each action is signed
 * on this device with the person's own key; the answer shows the ledger's receipt.
 */
export function ProjectQueue() {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string>();
  const [dialog, setDialog] = useState<{ action: WorkAction; project: Project; error?: string }>();
  const [busy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const queue = session ? queueOf(session.me) : undefined;
  // Each page is shown as it arrives (soonest deadline first among those read), so a long queue is usable at its first
  // page; a refetch after an action keeps the list on screen until it is read again whole.
  const items = useQuery({
    queryKey: ['work-queue', session?.me._id, queue?.status],
    enabled: queue !== undefined,
    queryFn: streamedQuery<Project[], Project[]>({
      streamFn: () =>
        readPages(async (after) => {
          const { data, error } = await api.GET('/v1/projects', {
            params: { query: { status: queue!.status, limit: 100, after } },
          });
          if (!data) throw new Error(JSON.stringify(error));
          return data;
        }),
      reducer: (read: Project[], page: Project[]) => [...read, ...page],
      initialValue: [],
      refetchMode: 'replace',
    }),
    select: (projects) => awaiting(session!.me, projects),
  });
  const today = dayjs().format('YYYY-MM-DD');

  const sign = async (action: WorkAction, project: Project, verdict: Verdict = {}) => {
    setBusy(true);
    setDone(undefined);
    try {
      const answer = await act(session!.holder!, action, project.id, verdict);
      if (answer.status === 201) {
        const receipt = answer.body.receipt;
        setDone(t('work.done', { tx: receipt.transactionId.slice(0, 12), block: receipt.blockNumber }));
        setDialog(undefined);
        await queryClient.invalidateQueries({ queryKey: ['work-queue'] });
      } else {
        setDialog({ action, project, error: answer.body?.error?.message ?? String(answer.status) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (!queue) return null;
  return (
    <Card
      title={t('work.projects')}
      extra={items.isSuccess && items.fetchStatus === 'fetching' && t('work.readingMore', { count: items.data.length })}
      style={{ marginBottom: 16 }}
    >
      {done && <Alert type="success" showIcon title={done} style={{ marginBottom: 16 }} />}
      {/* A queue may hold hundreds: a contractor on the phone gives the project's name or number. */}
      <Input.Search
        allowClear
        aria-label={t('work.search')}
        placeholder={t('work.search')}
        onChange={(e) => setSearch(e.target.value)}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      <Table<Project>
        rowKey="id"
        loading={items.isLoading}
        dataSource={(items.data ?? []).filter((p) => matches(search, p.id, p.name))}
        locale={{ emptyText: t('work.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t('work.project'),
            dataIndex: 'name',
            render: (name: string, p) => <Link to={`/projects/${p.id}`}>{`${name}（${p.id}）`}</Link>,
          },
          { title: t('work.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`status.${s}`)}</Tag> },
          {
            title: t('work.deadline'),
            dataIndex: 'deadline',
            render: (d: string | null) => {
              if (!d) return t('work.clockStopped');
              const state = deadlineState(d, today);
              return (
                <Tag color={DEADLINE_COLOURS[state]}>
                  {dayjs(d).format(i18n.language === 'en' ? 'YYYY-MM-DD' : 'YYYY年M月D日')}
                  {state === 'overdue' ? ` · ${t('work.overdue')}` : ''}
                </Tag>
              );
            },
          },
          {
            title: t('work.budget'),
            dataIndex: 'budget',
            align: 'right',
            render: (f: number) => formatYuan(f, i18n.language),
          },
          {
            title: t('work.action'),
            key: 'action',
            render: (_: unknown, p) => (
              <Space>
                {queue.actions.map((action) => (
                  <Button
                    key={action}
                    type={action === 'correction' ? 'default' : 'primary'}
                    loading={busy && action === 'preReview'}
                    onClick={() => (action === 'preReview' ? void sign(action, p) : setDialog({ action, project: p }))}
                  >
                    {t(`work.actions.${action}`)}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {dialog && (
        <ActionDialog
          action={dialog.action}
          projectName={dialog.project.name}
          error={dialog.error}
          busy={busy}
          onSign={(verdict) => void sign(dialog.action, dialog.project, verdict)}
          onCancel={() => setDialog(undefined)}
        />
      )}
    </Card>
  );
}
