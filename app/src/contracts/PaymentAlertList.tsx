import { Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api } from '../api/client';
import { readAll } from '../api/read-all';
import { formatYuan } from '../format/amount';
import type { PaymentAlert } from './contract-data';

/** Overpayment alerts: payout requests the chaincode refused by a cap, recorded on the ledger (资金预警). */
export function PaymentAlertList() {
  const { t, i18n } = useTranslation();
  const yuan = (fen: number) => formatYuan(fen, i18n.language);
  const alerts = useQuery({
    queryKey: ['payment-alerts', 'all'],
    queryFn: async () => {
      return readAll(async (after) => {
        const { data, error } = await api.GET('/v1/payment-alerts', { params: { query: { limit: 100, after } } });
        if (!data) throw new Error(JSON.stringify(error));
        return data;
      });
    },
  });
  return (
    <Table<PaymentAlert>
      rowKey="id"
      size="small"
      loading={alerts.isLoading}
      dataSource={alerts.data ?? []}
      locale={{ emptyText: t('contracts.noAlerts') }}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      columns={[
        {
          title: t('contracts.raisedAt'),
          dataIndex: 'raisedAt',
          render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm'),
        },
        { title: t('contracts.contract'), dataIndex: 'contractId' },
        { title: t('contracts.payout'), dataIndex: 'payoutId' },
        { title: t('contracts.rule'), dataIndex: 'rule', render: (r: string) => t(`contracts.rules.${r}`) },
        { title: t('contracts.requested'), dataIndex: 'requestedAmount', align: 'right', render: yuan },
        { title: t('contracts.committed'), dataIndex: 'alreadyCommitted', align: 'right', render: yuan },
        { title: t('contracts.limit'), dataIndex: 'limit', align: 'right', render: yuan },
      ]}
    />
  );
}
