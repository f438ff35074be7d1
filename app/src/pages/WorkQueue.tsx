import { useState } from 'react';
import { Alert, Button, Card, Table, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, signedWrite } from '../api/client';
import type { paths } from '../api/schema';
import { formatYuan } from '../format/amount';
import { DEADLINE_COLOURS, deadlineState } from '../format/deadline';
import { useSession } from '../session/session';

type Project = paths['/v1/projects']['get']['responses']['200']['content']['application/json']['items'][number];

/**
 * "待办": what awaits this user's action, with its working-day deadline (red when overdue), soonest first. For a
 * Housing clerk today: applications awaiting pre-review, passed here with the clerk's own signature.
 */
export function WorkQueue() {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string>();
  const [refused, setRefused] = useState<string>();
  const queue = useQuery({
    queryKey: ['work-queue', session?.me._id],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/projects', {
        params: { query: { status: 'pre_review', limit: 100 } },
      });
      if (!data) throw new Error(JSON.stringify(error));
      return [...data.items].sort((a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'));
    },
  });
  const today = dayjs().format('YYYY-MM-DD');

  const preReview = async (project: Project) => {
    setDone(undefined);
    setRefused(undefined);
    const answer = await signedWrite(
      session!.holder,
      api.POST('/v1/projects/{id}/pre-review', { params: { path: { id: project.id } } }),
    );
    if (answer.status === 201) {
      setDone(
        t('work.done', { tx: answer.body.receipt.transactionId.slice(0, 12), block: answer.body.receipt.blockNumber }),
      );
      await queryClient.invalidateQueries({ queryKey: ['work-queue'] });
    } else setRefused(answer.body?.error?.message ?? String(answer.status));
  };

  return (
    <Card title={t('work.title')}>
      {done && <Alert type="success" showIcon title={done} style={{ marginBottom: 16 }} />}
      {refused && <Alert type="error" showIcon title={refused} style={{ marginBottom: 16 }} />}
      <Table<Project>
        rowKey="id"
        loading={queue.isLoading}
        dataSource={queue.data ?? []}
        locale={{ emptyText: t('work.empty') }}
        pagination={false}
        columns={[
          { title: t('work.project'), dataIndex: 'name', render: (name: string, p) => `${name}（${p.id}）` },
          { title: t('work.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`status.${s}`)}</Tag> },
          {
            title: t('work.deadline'),
            dataIndex: 'deadline',
            render: (d: string | null) => {
              if (!d) return '—';
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
              <Button type="primary" onClick={() => void preReview(p)}>
                {t('work.preReview')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
