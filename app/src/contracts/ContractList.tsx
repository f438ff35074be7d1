import { Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { formatYuan } from '../format/amount';
import type { Contract } from './contract-data';

/** The contracts this person may read (a company sees only its own), each linking to its page under `base`. */
export function ContractList({ base }: { base: string }) {
  const { t, i18n } = useTranslation();
  const contracts = useQuery({
    queryKey: ['contracts'],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/contracts', { params: { query: { limit: 100 } } });
      if (!data) throw new Error(JSON.stringify(error));
      return data.items as Contract[];
    },
  });
  return (
    <Table<Contract>
      rowKey="id"
      size="small"
      loading={contracts.isLoading}
      dataSource={contracts.data ?? []}
      locale={{ emptyText: t('contracts.none') }}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        {
          title: t('contracts.contract'),
          dataIndex: 'title',
          render: (title: string, c) => <Link to={`${base}/contracts/${c.id}`}>{`${title}（${c.id}）`}</Link>,
        },
        { title: t('contracts.project'), dataIndex: 'projectId' },
        { title: t('contracts.contractor'), dataIndex: 'contractorId' },
        {
          title: t('contracts.sum'),
          dataIndex: 'sum',
          align: 'right',
          render: (fen: number) => formatYuan(fen, i18n.language),
        },
        { title: t('contracts.milestoneCount'), dataIndex: 'milestoneIds', render: (ids: string[]) => ids.length },
      ]}
    />
  );
}
