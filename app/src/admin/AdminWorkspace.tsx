import { Card, Table, Tabs } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { readAll } from '../api/read-all';
import { RegisterUser } from './RegisterUser';
import { UserActions } from './UserActions';

/** A list the admin reads as it is (seal certificates, contractors): rows of the API's items. */
function Listing({
  path,
  columns,
}: {
  path: '/v1/seal-certificates' | '/v1/contractors';
  columns: { key: string; title: string }[];
}) {
  const { t } = useTranslation();
  const rows = useQuery({
    queryKey: ['admin', path],
    queryFn: async () => {
      return readAll(async (after) => {
        const { data, error } = await api.GET(path, { params: { query: { limit: 100, after } } } as never);
        if (!data) throw new Error(JSON.stringify(error));
        return data as { items: Record<string, unknown>[]; next: string | null };
      });
    },
  });
  return (
    <Table
      rowKey={(r) => String(r.fingerprint ?? r.id)}
      size="small"
      loading={rows.isLoading}
      dataSource={rows.data ?? []}
      locale={{ emptyText: t('admin.none') }}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={columns.map((c) => ({ ...c, dataIndex: c.key, render: (v: unknown) => (v == null ? '—' : String(v)) }))}
    />
  );
}

/** 单位管理: the bureau's people and devices (register, revoke, new codes), seal certificates and contractors. */
export function AdminWorkspace() {
  const { t } = useTranslation();
  return (
    <Card title={t('admin.title')}>
      <Tabs
        items={[
          { key: 'register', label: t('admin.tabs.register'), children: <RegisterUser /> },
          { key: 'users', label: t('admin.tabs.users'), children: <UserActions /> },
          {
            key: 'seals',
            label: t('admin.tabs.seals'),
            children: (
              <Listing
                path="/v1/seal-certificates"
                columns={[
                  { key: 'holder', title: t('admin.holder') },
                  { key: 'label', title: t('admin.label') },
                  { key: 'status', title: t('work.status') },
                  { key: 'validUntil', title: t('admin.validUntil') },
                ]}
              />
            ),
          },
          {
            key: 'contractors',
            label: t('admin.tabs.contractors'),
            children: (
              <Listing
                path="/v1/contractors"
                columns={[
                  { key: 'id', title: t('admin.contractorId') },
                  { key: 'name', title: t('admin.contractorName') },
                  { key: 'creditCode', title: t('admin.creditCode') },
                ]}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}
