import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import { downloadFile } from './download';

const messageOf = (error: unknown, status: number) =>
  (error as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${status}`;

/**
 * 检查点: the newest block header with its orderer signatures, kept so that a later evidence bundle can be checked
 * against it offline. The auditor sees the latest, takes a new one, and downloads it.
 */
export function Checkpoints() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [failed, setFailed] = useState<string>();
  const latest = useQuery({
    queryKey: ['audit', 'checkpoint', 'latest'],
    queryFn: async () => {
      const { data, error, response } = await api.GET('/v1/evidence/checkpoints/latest');
      if (response.status === 404) return null; // none taken yet
      if (!data) throw new Error(messageOf(error, response.status));
      return data;
    },
  });
  const take = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/v1/evidence/checkpoints', { body: {} });
      if (!data) throw new Error(messageOf(error, response.status));
      return data;
    },
    onSuccess: (cp) => {
      queryClient.setQueryData(['audit', 'checkpoint', 'latest'], cp);
      void queryClient.invalidateQueries({ queryKey: ['audit', 'checkpoint'] });
    },
  });
  const cp = latest.data;
  return (
    <Card title={t('audit.checkpoint.title')} loading={latest.isLoading} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('audit.checkpoint.intro')}</Typography.Paragraph>
      {latest.error && <Alert type="error" showIcon title={latest.error.message} style={{ marginBottom: 16 }} />}
      {take.error && <Alert type="error" showIcon title={take.error.message} style={{ marginBottom: 16 }} />}
      {failed && <Alert type="error" showIcon title={failed} style={{ marginBottom: 16 }} />}
      {take.isSuccess && (
        <Alert
          type="success"
          showIcon
          title={t('audit.checkpoint.taken', { number: take.data.blockNumber })}
          style={{ marginBottom: 16 }}
        />
      )}
      {cp === null && <Typography.Paragraph>{t('audit.checkpoint.none')}</Typography.Paragraph>}
      {cp && (
        <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }} data-testid="checkpoint">
          <Descriptions.Item label={t('audit.checkpoint.block')}>
            <Link to={`/audit/blocks/${cp.blockNumber}`}>{cp.blockNumber}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.checkpoint.createdAt')}>
            {dayjs(cp.createdAt).format('YYYY-MM-DD HH:mm:ss')}
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.checkpoint.channel')}>{cp.channel}</Descriptions.Item>
          <Descriptions.Item label={t('audit.checkpoint.chainFrom')}>{cp.chain.from}</Descriptions.Item>
        </Descriptions>
      )}
      <Space wrap>
        <Button type="primary" loading={take.isPending} onClick={() => take.mutate()}>
          {t('audit.checkpoint.take')}
        </Button>
        {cp && (
          <Button
            onClick={() => {
              setFailed(undefined);
              void downloadFile(
                `/v1/evidence/checkpoints/${cp.blockNumber}`,
                `checkpoint-${cp.blockNumber}.json`,
              ).catch((err: Error) => setFailed(err.message));
            }}
          >
            {t('audit.checkpoint.download')}
          </Button>
        )}
      </Space>
    </Card>
  );
}
