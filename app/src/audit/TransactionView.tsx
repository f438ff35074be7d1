import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { downloadFile } from './download';
import { recordOfKey, recordPath } from './search';

type Transaction = paths['/v1/ledger/transactions/{txId}']['get']['responses']['200']['content']['application/json'];
type Signer = Transaction['creator'];
type Write = Transaction['writes'][number];

/** Who signed, as an auditor reads it: subject, bureau, role, and who held the key. */
export function SignerText({ signer }: { signer: Signer }) {
  const { t } = useTranslation();
  return (
    <span>
      {signer.subject}（{signer.mspId}
      {signer.role ? ` · ${signer.role}` : ''}
      {signer.custody ? ` · ${t(`audit.custody.${signer.custody}`, { defaultValue: signer.custody })}` : ''}）
    </span>
  );
}

/**
 * A transaction as Hyperledger Explorer shows it: block, time, creator (and who held the key), endorsers, validation
 * code, every key written with its value; each record written can be downloaded as an evidence bundle for the offline
 * verifier.
 */
export function TransactionView() {
  const { txId } = useParams();
  const { t } = useTranslation();
  const [failed, setFailed] = useState<string>();
  const tx = useQuery({
    queryKey: ['audit', 'tx', txId],
    retry: false,
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/ledger/transactions/{txId}', { params: { path: { txId: txId! } } });
      if (!data) throw new Error((error as { error?: { message?: string } })?.error?.message ?? 'not found');
      return data;
    },
  });
  const bundle = async (kind: string, id: string) => {
    setFailed(undefined);
    await downloadFile(
      `/v1/evidence/${kind}/${encodeURIComponent(id)}?txId=${txId}`,
      `evidence-${kind}-${id.replace(/\//g, '_')}.json`,
    ).catch((err: Error) => setFailed(err.message));
  };
  const d = tx.data;
  return (
    <Card title={t('audit.transaction', { id: txId })} loading={tx.isLoading}>
      {tx.error && (
        <Alert
          type="error"
          showIcon
          title={tx.error.message}
          description={
            // A document's SHA-256 is 64 hex characters too: offer its record when no transaction has this ID.
            <Link to={recordPath('document', txId!)}>{t('audit.asDocument')}</Link>
          }
        />
      )}
      {failed && <Alert type="error" showIcon title={failed} style={{ marginBottom: 16 }} />}
      {d && (
        <>
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('audit.block')}>
              <Link to={`/audit/blocks/${d.blockNumber}`}>{d.blockNumber}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.time')}>
              {dayjs(d.timestamp).format('YYYY-MM-DD HH:mm:ss')}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.validation')}>
              <Tag color={d.validationCode === 'VALID' ? '#237804' : '#a8071a'}>{d.validationCode}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.creator')}>
              <SignerText signer={d.creator} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.endorsers')}>
              {d.endorsers.map((e, i) => (
                <div key={i}>
                  <SignerText signer={e} />
                </div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.chaincode')}>{d.chaincode ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('audit.writes')}</Typography.Title>
          <Table<Write>
            rowKey={(w) => `${w.namespace}:${w.key}`}
            size="small"
            pagination={false}
            dataSource={d.writes}
            columns={[
              {
                title: t('audit.key'),
                dataIndex: 'key',
                render: (k: string) => <Typography.Text code>{k}</Typography.Text>,
              },
              {
                title: t('audit.value'),
                dataIndex: 'value',
                render: (v: unknown, w) =>
                  w.deleted ? (
                    <Tag>{t('audit.deleted')}</Tag>
                  ) : (
                    <Typography.Paragraph
                      ellipsis={{ rows: 2, expandable: true }}
                      style={{ margin: 0, fontFamily: 'monospace' }}
                    >
                      {JSON.stringify(v)}
                    </Typography.Paragraph>
                  ),
              },
              {
                title: t('audit.evidence'),
                key: 'evidence',
                render: (_: unknown, w) => {
                  const record = recordOfKey(w.key);
                  return record ? (
                    <Space wrap>
                      <Button onClick={() => void bundle(record.kind, record.id)}>{t('audit.download')}</Button>
                      <Link to={recordPath(record.kind, record.id)}>{t('audit.recordHistory')}</Link>
                    </Space>
                  ) : null;
                },
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
