import { useState } from 'react';
import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, signedWrite } from '../api/client';
import { formatYuan } from '../format/amount';
import { useSession } from '../session/session';
import { StepDialog } from '../work/StepDialog';
import { useSignedStep } from '../work/use-signed-step';
import { may } from './roles';

const STATUS_COLOURS: Record<string, string | undefined> = { approved: '#237804', rejected: '#a8071a' };

/**
 * A contract's change orders (变更): what each changes, by how much the sum moves, and where its decision stands; the
 * Housing director approves or rejects a proposed one with a reason, signed on their device.
 */
export function ChangeOrders({ contractId }: { contractId: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession().session!;
  const queryClient = useQueryClient();
  const step = useSignedStep();
  const [deciding, setDeciding] = useState<{ id: string; decision: 'approve' | 'reject'; error?: string }>();
  const decide = async (reason: string) => {
    const { id, decision } = deciding!;
    const error = await step.run(`decide:${id}`, () =>
      signedWrite(
        session.holder!,
        api.POST('/v1/contracts/{id}/change-orders/{changeOrderId}/decision', {
          params: { path: { id: contractId, changeOrderId: id } },
          body: { decision, reason },
        }),
      ),
    );
    setDeciding(error ? { ...deciding!, error } : undefined);
    await queryClient.invalidateQueries({ queryKey: ['contract', contractId] });
  };
  const orders = useQuery({
    queryKey: ['contract', contractId, 'change-orders'],
    queryFn: async () =>
      (
        await api.GET('/v1/contracts/{id}/change-orders', {
          params: { path: { id: contractId }, query: { limit: 100 } },
        })
      ).data?.items ?? [],
  });
  if (!orders.data?.length) return null;
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.changeOrders.title')}
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={orders.data}
        columns={[
          { title: t('contracts.changeOrders.id'), dataIndex: 'id' },
          { title: t('contracts.changeOrders.reason'), dataIndex: 'reason' },
          {
            title: t('contracts.changeOrders.milestones'),
            key: 'changes',
            render: (_: unknown, o) => o.changes.map((c) => c.milestoneId).join('、'),
          },
          {
            title: t('contracts.changeOrders.delta'),
            dataIndex: 'delta',
            align: 'right',
            render: (fen: number) => `${fen > 0 ? '+' : ''}${formatYuan(fen, i18n.language)}`,
          },
          {
            title: t('contracts.changeOrders.proposedAt'),
            dataIndex: 'proposedAt',
            render: (at: string) => dayjs(at).format('YYYY-MM-DD'),
          },
          {
            title: t('work.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOURS[s]}>{t(`contracts.changeOrders.status.${s}`)}</Tag>,
          },
          {
            title: t('work.action'),
            key: 'action',
            render: (_: unknown, o) =>
              o.status === 'proposed' &&
              may.approve(session.me) && (
                <Space>
                  <Button type="primary" onClick={() => setDeciding({ id: o.id, decision: 'approve' })}>
                    {t('contracts.changeOrders.approve')}
                  </Button>
                  <Button danger onClick={() => setDeciding({ id: o.id, decision: 'reject' })}>
                    {t('contracts.changeOrders.reject')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginTop: 8 }} />}
      {deciding && (
        <StepDialog
          title={`${t(`contracts.changeOrders.${deciding.decision}`)}：${deciding.id}`}
          label={t('work.reason')}
          min={2}
          max={500}
          error={deciding.error}
          busy={step.busy !== undefined}
          onSign={(reason) => void decide(reason)}
          onCancel={() => setDeciding(undefined)}
        />
      )}
    </>
  );
}
