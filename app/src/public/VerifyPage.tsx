import { Alert, Card, Descriptions, List, Space, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api/client';
import { DEADLINE_COLOURS } from '../format/deadline';
import { verdictLine } from '../audit/verification';

/**
 * Where a sealed document's QR code leads (the gateway redirects a browser from /v1/v/{id} here): whether the paper in
 * hand is the district's current signed version, anchored on the ledger, with valid seals — in words a citizen reads.
 */
export function VerifyPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const check = useQuery({
    queryKey: ['verify', id],
    queryFn: async () => {
      const { data, response } = await api.GET('/v1/v/{id}', { params: { path: { id } } });
      if (response.status === 404 || response.status === 400) return null;
      if (!data) throw new Error(String(response.status));
      return data;
    },
    retry: false,
  });
  if (check.isLoading) return <Card loading />;
  if (!check.data) return <Alert type="error" showIcon title={t(check.isError ? 'verify.failed' : 'verify.unknown')} />;
  const r = check.data;
  const at = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 720, margin: '0 auto', display: 'flex' }}>
      <Alert
        type={verdictLine(r).tone}
        showIcon
        title={t(`verify.verdict.${r.verdict}`)}
        description={t(`verify.explain.${r.verdict}`)}
        role="status"
      />
      <Card title={t('verify.title')}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('verify.document')}>{r.document.title}</Descriptions.Item>
          <Descriptions.Item label={t('verify.documentNo')}>{r.document.documentNo}</Descriptions.Item>
          <Descriptions.Item label={t('verify.status')}>
            {t(`verify.documentStatus.${r.document.status}`)}
          </Descriptions.Item>
          {r.ledger && (
            <>
              <Descriptions.Item label={t('verify.signedBy')}>
                {t(`verify.bureau.${r.ledger.signer.mspId}`, { defaultValue: r.ledger.signer.mspId })}
              </Descriptions.Item>
              <Descriptions.Item label={t('verify.anchoredAt')}>{at(r.ledger.anchoredAt)}</Descriptions.Item>
              <Descriptions.Item label={t('verify.transaction')}>
                <Typography.Text code style={{ wordBreak: 'break-all' }}>
                  {r.ledger.transactionId}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('verify.block')}>{r.ledger.blockNumber ?? '—'}</Descriptions.Item>
            </>
          )}
          <Descriptions.Item label="SHA-256">
            <Typography.Text code style={{ wordBreak: 'break-all' }}>
              {r.sha256}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {r.pdf && (
        <Card title={t('verify.seals')}>
          <List
            locale={{ emptyText: t('verify.noSeals') }}
            dataSource={r.pdf.signatures}
            renderItem={(s) => (
              <List.Item>
                <List.Item.Meta
                  title={s.seal.registered ? s.seal.label : s.signer}
                  description={`${at(s.signingTime)}${s.reason ? ` · ${s.reason}` : ''}`}
                />
                <Tag
                  color={
                    s.valid && s.seal.registered && s.seal.status === 'active'
                      ? DEADLINE_COLOURS.ok
                      : DEADLINE_COLOURS.overdue
                  }
                >
                  {t(
                    !s.valid
                      ? 'verify.sealInvalid'
                      : !s.seal.registered
                        ? 'verify.sealUnregistered'
                        : s.seal.status === 'revoked'
                          ? 'verify.sealRevoked'
                          : 'verify.sealValid',
                  )}
                </Tag>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}
