import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import dayjs from 'dayjs';
import { RECORD_KINDS } from '@luohu/domain';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { downloadFile } from './download';
import { TONE_COLOR } from './ToneTag';

type History = paths['/v1/records/{kind}/{id}/history']['get']['responses']['200']['content']['application/json'];
type Kind = History['kind'];
type Change = History['changes'][number];
type Attestation = History['attestations'][number];

const when = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm:ss');
const messageOf = (error: unknown) => (error as { error?: { message?: string } } | undefined)?.error?.message;

/**
 * A record's full history: every committed version, newest first, each with its receipt (transaction, block, the
 * gateway operation) and its evidence bundle; whether the read model still matches the ledger; auditors' attestations.
 */
export function RecordHistory() {
  const { kind, id } = useParams() as { kind: Kind; id: string };
  const { t } = useTranslation();
  const [failed, setFailed] = useState<string>();
  const known = (RECORD_KINDS as readonly string[]).includes(kind);
  const path = { params: { path: { kind, id } } };
  const history = useQuery({
    queryKey: ['audit', 'history', kind, id],
    enabled: known,
    retry: false,
    queryFn: async () => {
      const { data, error, response } = await api.GET('/v1/records/{kind}/{id}/history', path);
      if (!data) throw new Error(messageOf(error) ?? `HTTP ${response.status}`);
      return data;
    },
  });
  const check = useQuery({
    queryKey: ['audit', 'record-verify', kind, id],
    enabled: known,
    retry: false,
    queryFn: async () => {
      const { data, error, response } = await api.GET('/v1/records/{kind}/{id}/verify', path);
      if (!data) throw new Error(messageOf(error) ?? `HTTP ${response.status}`);
      return data;
    },
  });
  const bundle = (txId?: string) => {
    setFailed(undefined);
    const query = txId ? `?txId=${txId}` : '';
    void downloadFile(
      `/v1/evidence/${kind}/${encodeURIComponent(id)}${query}`,
      `evidence-${kind}-${id.replace(/\//g, '_')}${txId ? `-${txId.slice(0, 8)}` : ''}.json`,
    ).catch((err: Error) => setFailed(err.message));
  };
  const h = history.data;
  const v = check.data;
  return (
    <Card title={t('audit.history.title', { record: `${kind}/${id}` })} loading={history.isLoading}>
      {!known && <Alert type="error" showIcon title={t('audit.history.unknownKind', { kind })} />}
      {history.error && <Alert type="error" showIcon title={history.error.message} style={{ marginBottom: 16 }} />}
      {failed && <Alert type="error" showIcon title={failed} style={{ marginBottom: 16 }} />}
      {h && (
        <>
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('audit.history.versions')}>{h.changes.length}</Descriptions.Item>
            <Descriptions.Item label={t('audit.history.readModel')}>
              {check.error && check.error.message}
              {v && (
                <>
                  <Tag color={v.match ? TONE_COLOR.success : TONE_COLOR.error}>
                    {v.match
                      ? t('audit.history.matches', { fields: v.fieldsCompared })
                      : t('audit.history.differs', { count: v.differences.length })}
                  </Tag>
                  {v.differences.map((d) => (
                    <div key={d.field} style={{ overflowWrap: 'anywhere' }}>
                      {t('audit.reconciliation.detail.field', {
                        path: d.field,
                        readModel: JSON.stringify(d.readModel),
                        ledger: JSON.stringify(d.ledger),
                      })}
                    </div>
                  ))}
                </>
              )}
            </Descriptions.Item>
          </Descriptions>
          <Button onClick={() => bundle()} style={{ marginBottom: 16 }}>
            {t('audit.history.downloadNewest')}
          </Button>
          <Typography.Title level={5}>{t('audit.history.receipts')}</Typography.Title>
          <Table<Change>
            rowKey="transactionId"
            size="small"
            pagination={false}
            dataSource={h.changes}
            style={{ marginBottom: 24 }}
            expandable={{
              expandedRowRender: (c) => (
                <Typography.Paragraph style={{ margin: 0, fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                  {JSON.stringify(c.value)}
                </Typography.Paragraph>
              ),
            }}
            columns={[
              { title: t('audit.time'), dataIndex: 'timestamp', render: when },
              {
                title: t('audit.block'),
                dataIndex: 'blockNumber',
                render: (b: string | null) => (b ? <Link to={`/audit/blocks/${b}`}>{b}</Link> : '—'),
              },
              {
                title: t('audit.transactionId'),
                dataIndex: 'transactionId',
                render: (tx: string) => (
                  <Link to={`/audit/tx/${tx}`} aria-label={t('audit.transaction', { id: tx })}>
                    <Typography.Text code>{tx.slice(0, 16)}…</Typography.Text>
                  </Link>
                ),
              },
              {
                title: t('audit.history.operation'),
                dataIndex: 'operation',
                render: (op: Change['operation'], c) =>
                  c.isDelete ? <Tag>{t('audit.deleted')}</Tag> : op ? `${op.action}（${op.by}）` : '—',
              },
              {
                title: t('audit.evidence'),
                key: 'evidence',
                render: (_: unknown, c) =>
                  c.isDelete ? null : (
                    <Button size="small" onClick={() => bundle(c.transactionId)}>
                      {t('audit.download')}
                    </Button>
                  ),
              },
            ]}
          />
          <Typography.Title level={5}>{t('audit.history.attestations')}</Typography.Title>
          <Table<Attestation>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={h.attestations}
            locale={{ emptyText: t('audit.history.noAttestations') }}
            columns={[
              { title: t('audit.time'), dataIndex: 'at', render: when },
              {
                title: t('audit.history.opinion'),
                dataIndex: 'opinion',
                render: (o: Attestation['opinion']) => <Tag>{t(`audit.history.opinions.${o}`)}</Tag>,
              },
              { title: t('audit.history.note'), dataIndex: 'note' },
              {
                title: t('audit.history.by'),
                dataIndex: 'by',
                render: (by: Attestation['by']) => `${/CN=([^/:]+)/.exec(by.id)?.[1] ?? by.id}（${by.mspId}）`,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
