import { Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PayoutStatus } from '@luohu/domain';
import { api } from '../api/client';
import { readAll } from '../api/read-all';
import { formatYuan } from '../format/amount';
import type { Payout } from './contract-data';

/** Payouts in some statuses (awaiting approval, awaiting the bank…), each linking to its contract's page under `base`. */
export function PayoutQueue({ base, statuses }: { base: string; statuses: readonly PayoutStatus[] }) {
  const { t, i18n } = useTranslation();
  const payouts = useQuery({
    queryKey: ['payouts', 'by-status', ...statuses],
    queryFn: async () => {
      const lists = await Promise.all(
        statuses.map((status) =>
          readAll(async (after) => {
            const { data, error } = await api.GET('/v1/payouts', { params: { query: { status, limit: 100, after } } });
            if (!data) throw new Error(JSON.stringify(error));
            return data;
          }),
        ),
      );
      return lists.flat().sort((a, b) => String(a.requestedAt).localeCompare(String(b.requestedAt)));
    },
  });
  return (
    <Table<Payout>
      rowKey="id"
      size="small"
      loading={payouts.isLoading}
      dataSource={payouts.data ?? []}
      locale={{ emptyText: t('contracts.noPayouts') }}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      columns={[
        { title: t('contracts.payout'), dataIndex: 'id' },
        {
          title: t('contracts.contract'),
          dataIndex: 'contractId',
          render: (id: string) => <Link to={`${base}/contracts/${id}`}>{id}</Link>,
        },
        { title: t('contracts.milestone'), dataIndex: 'milestoneId' },
        {
          title: t('contracts.amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (fen: number) => formatYuan(fen, i18n.language),
        },
        {
          title: t('work.status'),
          dataIndex: 'status',
          render: (s: string) => <Tag>{t(`contracts.payoutStatus.${s}`)}</Tag>,
        },
      ]}
    />
  );
}
