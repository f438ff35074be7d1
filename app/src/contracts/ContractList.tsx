import { useState } from 'react';
import { Input, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { readAll } from '../api/read-all';
import { formatYuan } from '../format/amount';
import { matches } from '../format/matches';
import type { Contract } from './contract-data';

/** The contracts this person may read (a company sees only its own), each linking to its page under `base`. */
export function ContractList({ base }: { base: string }) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState('');
  const contracts = useQuery({
    queryKey: ['contracts'],
    queryFn: async () => {
      const contracts = await readAll(async (after) => {
        const { data, error } = await api.GET('/v1/contracts', { params: { query: { limit: 100, after } } });
        if (!data) throw new Error(JSON.stringify(error));
        return data;
      });
      // The most recently changed first: what a person is working on now.
      return (contracts as Contract[]).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
  });
  return (
    <>
      <Input.Search
        allowClear
        aria-label={t('contracts.search')}
        placeholder={t('contracts.search')}
        onChange={(e) => setQuery(e.target.value)}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      <Table<Contract>
        rowKey="id"
        size="small"
        loading={contracts.isLoading}
        dataSource={(contracts.data ?? []).filter((c) => matches(query, c.id, c.title, c.projectId, c.contractorId))}
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
    </>
  );
}
