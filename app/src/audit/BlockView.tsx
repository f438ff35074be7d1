import { Alert, Card, Descriptions, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { SignerText } from './TransactionView';

type Block = paths['/v1/ledger/blocks/{number}']['get']['responses']['200']['content']['application/json'];

/** A block: its hashes and its transactions, each with its creator and validation code. */
export function BlockView() {
  const { number } = useParams();
  const { t } = useTranslation();
  const block = useQuery({
    queryKey: ['audit', 'block', number],
    retry: false,
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/ledger/blocks/{number}', { params: { path: { number: number! } } });
      if (!data) throw new Error((error as { error?: { message?: string } })?.error?.message ?? 'not found');
      return data;
    },
  });
  const b = block.data;
  return (
    <Card title={t('audit.blockTitle', { number })} loading={block.isLoading}>
      {block.error && <Alert type="error" showIcon title={block.error.message} />}
      {b && (
        <>
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('audit.dataHash')}>
              <Typography.Text code>{b.dataHash}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.previousHash')}>
              <Typography.Text code>{b.previousHash}</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Table<Block['transactions'][number]>
            rowKey="transactionId"
            size="small"
            pagination={false}
            dataSource={b.transactions}
            columns={[
              {
                title: t('audit.transactionId'),
                dataIndex: 'transactionId',
                render: (id: string) => <Link to={`/audit/tx/${id}`}>{`${id.slice(0, 16)}…`}</Link>,
              },
              { title: t('audit.type'), dataIndex: 'type' },
              {
                title: t('audit.time'),
                dataIndex: 'timestamp',
                render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss'),
              },
              {
                title: t('audit.creator'),
                dataIndex: 'creator',
                render: (c: Block['transactions'][number]['creator']) => <SignerText signer={c} />,
              },
              {
                title: t('audit.validation'),
                dataIndex: 'validationCode',
                render: (code: string) => <Tag color={code === 'VALID' ? '#237804' : '#a8071a'}>{code}</Tag>,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
