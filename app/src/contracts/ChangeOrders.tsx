import { Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api } from '../api/client';
import { formatYuan } from '../format/amount';

const STATUS_COLOURS: Record<string, string | undefined> = { approved: '#237804', rejected: '#a8071a' };

/** A contract's change orders (变更): what each changes, by how much the sum moves, and where its decision stands. */
export function ChangeOrders({ contractId }: { contractId: string }) {
  const { t, i18n } = useTranslation();
  const orders = useQuery({
    queryKey: ['contract', contractId, 'change-orders'],
    queryFn: async () =>
      (
        await api.GET('/v1/contracts/{id}/change-orders', {
          params: { path: { id: contractId }, query: { limit: 100 } },
        })
      ).data?.items ?? [],
  });
  if (!orders.data?.length) return null;
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.changeOrders.title')}
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={orders.data}
        columns={[
          { title: t('contracts.changeOrders.id'), dataIndex: 'id' },
          { title: t('contracts.changeOrders.reason'), dataIndex: 'reason' },
          {
            title: t('contracts.changeOrders.milestones'),
            key: 'changes',
            render: (_: unknown, o) => o.changes.map((c) => c.milestoneId).join('、'),
          },
          {
            title: t('contracts.changeOrders.delta'),
            dataIndex: 'delta',
            align: 'right',
            render: (fen: number) => `${fen > 0 ? '+' : ''}${formatYuan(fen, i18n.language)}`,
          },
          {
            title: t('contracts.changeOrders.proposedAt'),
            dataIndex: 'proposedAt',
            render: (at: string) => dayjs(at).format('YYYY-MM-DD'),
          },
          {
            title: t('work.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOURS[s]}>{t(`contracts.changeOrders.status.${s}`)}</Tag>,
          },
        ]}
      />
    </>
  );
}
