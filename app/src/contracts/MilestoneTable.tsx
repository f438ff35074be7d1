import { Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { committedAmount } from '@luohu/domain';
import { formatYuan } from '../format/amount';
import { useSession } from '../session/session';
import type { Milestone, Payout } from './contract-data';
import { may } from './roles';

/** Milestones: planned date and amount against acceptance and what was paid; accept or request a payout by role. */
export function MilestoneTable(props: {
  milestones: Milestone[];
  payouts: Payout[];
  busy?: string;
  onAccept(m: Milestone): void;
  onRequest(m: Milestone): void;
  onPhotos(m: Milestone): void;
}) {
  const { t, i18n } = useTranslation();
  const me = useSession().session!.me;
  const yuan = (fen: number) => formatYuan(fen, i18n.language);
  const paid = (m: Milestone) =>
    props.payouts.filter((p) => p.milestoneId === m.id && p.status === 'paid').reduce((s, p) => s + p.amount, 0);
  const committed = (m: Milestone) => committedAmount(props.payouts.filter((p) => p.milestoneId === m.id));
  return (
    <Table<Milestone>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={props.milestones}
      columns={[
        { title: t('contracts.milestone'), dataIndex: 'name', render: (n: string, m) => `${n}（${m.id}）` },
        { title: t('contracts.plannedDate'), dataIndex: 'plannedDate' },
        { title: t('contracts.amount'), dataIndex: 'amount', align: 'right', render: yuan },
        {
          title: t('work.status'),
          dataIndex: 'status',
          render: (s: string, m) => (
            <Tag>
              {t(`contracts.milestoneStatus.${s}`)}
              {m.acceptedAt ? ` · ${dayjs(m.acceptedAt).format('YYYY-MM-DD')}` : ''}
            </Tag>
          ),
        },
        {
          title: t('contracts.photos.column'),
          key: 'photos',
          render: (_: unknown, m) =>
            m.photoBatches?.length ? t('contracts.photos.batches', { count: m.photoBatches.length }) : '—',
        },
        {
          title: t('contracts.progress'),
          key: 'progress',
          render: (_: unknown, m) =>
            m.latestProgress
              ? t('contracts.plannedActual', {
                  planned: m.latestProgress.plannedPercent,
                  actual: m.latestProgress.actualPercent,
                })
              : '—',
        },
        { title: t('contracts.paid'), key: 'paid', align: 'right', render: (_: unknown, m) => yuan(paid(m)) },
        {
          title: t('work.action'),
          key: 'action',
          render: (_: unknown, m) => (
            <Space>
              {m.status === 'planned' && may.accept(me) && (
                <Button type="primary" loading={props.busy === `accept:${m.id}`} onClick={() => props.onAccept(m)}>
                  {t('contracts.accept')}
                </Button>
              )}
              {may.accept(me) && (
                <Button loading={props.busy === `photos:${m.id}`} onClick={() => props.onPhotos(m)}>
                  {t('contracts.photos.add')}
                </Button>
              )}
              {m.status === 'accepted' && may.request(me) && committed(m) < m.amount && (
                <Button type="primary" onClick={() => props.onRequest(m)}>
                  {t('contracts.request')}
                </Button>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
