import { useState } from 'react';
import { Alert, Card, Descriptions, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { committedAmount } from '@luohu/domain';
import { api, signedWrite } from '../api/client';
import { formatYuan } from '../format/amount';
import { useSession } from '../session/session';
import { useSignedStep } from '../work/use-signed-step';
import { StepDialog } from '../work/StepDialog';
import { useContract, type Milestone, type Payout } from './contract-data';
import { MilestoneTable } from './MilestoneTable';
import { PayoutTable } from './PayoutTable';
import { RequestPayoutDialog } from './RequestPayoutDialog';
import { PhotoBatchDialog } from './PhotoBatchDialog';
import { ProgressReports } from './ProgressReports';
import { ChangeOrders } from './ChangeOrders';

/**
 * A contract's page, the same for the inspector, the finance office, the Housing director and the contractor: its
 * sum and retention, milestones planned against accepted and paid, payouts with why each is allowed or refused, their
 * two-bureau state and the bank's confirmation, and overpayment alerts. Each person sees the actions their role may
 * take (the chaincode decides again), signed on their device.
 */
export function ContractView() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const data = useContract(id!);
  const step = useSignedStep();
  const [requesting, setRequesting] = useState<{ milestone: Milestone; error?: string }>();
  const [rejecting, setRejecting] = useState<{ payout: Payout; error?: string }>();
  const [photographing, setPhotographing] = useState<{ milestone: Milestone; error?: string }>();
  const c = data.contract.data;
  const yuan = (fen: number) => formatYuan(fen, i18n.language);
  const holder = session!.holder!;
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['contract', id] }),
      queryClient.invalidateQueries({ queryKey: ['payouts'] }),
      queryClient.invalidateQueries({ queryKey: ['payment-alerts'] }),
    ]);
  const run = async (key: string, write: Parameters<typeof step.run>[1]) => {
    const refusal = await step.run(key, write);
    await refresh();
    return refusal;
  };

  const accept = (m: Milestone) =>
    run(`accept:${m.id}`, () =>
      signedWrite(
        holder,
        api.POST('/v1/contracts/{id}/milestones/{milestoneId}/acceptance', {
          params: { path: { id: id!, milestoneId: m.id } },
          body: {},
        }),
      ),
    );
  const request = async (m: Milestone, amount: number) => {
    const refusal = await run(`request:${m.id}`, () =>
      signedWrite(
        holder,
        api.POST('/v1/payouts', {
          body: { id: `PO-${crypto.randomUUID().slice(0, 13)}`, contractId: id!, milestoneId: m.id, amount },
        }),
      ),
    );
    setRequesting(refusal ? { milestone: m, error: refusal } : undefined);
  };
  const approve = (p: Payout) =>
    run(`approve:${p.id}`, () =>
      signedWrite(holder, api.POST('/v1/payouts/{id}/approval', { params: { path: { id: p.id } } })),
    );
  const reject = async (p: Payout, reason: string) => {
    const refusal = await run(`reject:${p.id}`, () =>
      signedWrite(holder, api.POST('/v1/payouts/{id}/rejection', { params: { path: { id: p.id } }, body: { reason } })),
    );
    setRejecting(refusal ? { payout: p, error: refusal } : undefined);
  };
  const transfer = (p: Payout) =>
    run(`transfer:${p.id}`, () =>
      signedWrite(holder, api.POST('/v1/payouts/{id}/bank-transfer', { params: { path: { id: p.id } }, body: {} })),
    );

  const contractPayouts = (data.payouts.data ?? []).filter((p) => p.contractId === id);
  return (
    <Card title={c ? `${c.title}（${c.id}）` : t('contracts.loading')} loading={data.contract.isLoading}>
      {c && (
        <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('contracts.project')}>{c.projectId}</Descriptions.Item>
          <Descriptions.Item label={t('contracts.contractor')}>{c.contractorId}</Descriptions.Item>
          <Descriptions.Item label={t('contracts.payee')}>{c.payee.name}</Descriptions.Item>
          <Descriptions.Item label={t('contracts.sum')}>{yuan(c.sum)}</Descriptions.Item>
          <Descriptions.Item label={t('contracts.retention', { percent: c.retentionPercent })}>
            {yuan(c.retentionAmount)}
          </Descriptions.Item>
          <Descriptions.Item label={t('contracts.payable')}>{yuan(c.sum - c.retentionAmount)}</Descriptions.Item>
          <Descriptions.Item label={t('contracts.committed')}>
            {yuan(committedAmount(contractPayouts))}
          </Descriptions.Item>
          <Descriptions.Item label={t('contracts.budget')}>
            {data.project.data ? yuan(data.project.data.budget) : '—'}
          </Descriptions.Item>
        </Descriptions>
      )}
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginBottom: 16 }} />}
      {step.failed && !requesting && !rejecting && !photographing && (
        <Alert type="error" showIcon title={step.failed} style={{ marginBottom: 16 }} />
      )}
      <Typography.Title level={5}>{t('contracts.milestones')}</Typography.Title>
      <MilestoneTable
        milestones={data.milestones.data ?? []}
        payouts={contractPayouts}
        busy={step.busy}
        onAccept={(m) => void accept(m)}
        onPhotos={(milestone) => setPhotographing({ milestone })}
        onRequest={(m) => setRequesting({ milestone: m })}
      />
      <ProgressReports contractId={id!} milestones={data.milestones.data ?? []} />
      <ChangeOrders contractId={id!} />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.payouts')}
      </Typography.Title>
      <PayoutTable
        payouts={contractPayouts}
        projectPayouts={data.payouts.data ?? []}
        milestones={data.milestones.data ?? []}
        contract={c}
        projectBudget={data.project.data?.budget}
        busy={step.busy}
        onApprove={(p) => void approve(p)}
        onReject={(p) => setRejecting({ payout: p })}
        onTransfer={(p) => void transfer(p)}
      />
      {(data.alerts.data ?? []).length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('contracts.alerts')}
          </Typography.Title>
          {data.alerts.data!.map((a) => (
            <Alert
              key={a.id}
              type="error"
              showIcon
              style={{ marginBottom: 8 }}
              title={t('contracts.overpayment', {
                amount: yuan(a.requestedAmount),
                rule: t(`contracts.rules.${a.rule}`),
                limit: yuan(a.limit),
                committed: yuan(a.alreadyCommitted),
              })}
            />
          ))}
        </>
      )}
      {requesting && (
        <RequestPayoutDialog
          milestone={requesting.milestone}
          payouts={contractPayouts}
          error={requesting.error}
          busy={step.busy !== undefined}
          onSign={(amount) => void request(requesting.milestone, amount)}
          onCancel={() => setRequesting(undefined)}
        />
      )}
      {rejecting && (
        <StepDialog
          title={`${t('contracts.reject')}：${rejecting.payout.id}`}
          label={t('work.reason')}
          min={2}
          max={500}
          error={rejecting.error}
          busy={step.busy !== undefined}
          onSign={(reason) => void reject(rejecting.payout, reason)}
          onCancel={() => setRejecting(undefined)}
        />
      )}
      {photographing && (
        <PhotoBatchDialog
          contractId={id!}
          milestone={photographing.milestone}
          error={photographing.error}
          busy={step.busy !== undefined}
          onSign={(write) =>
            void run(`photos:${photographing.milestone.id}`, write).then((error) =>
              setPhotographing(error ? { ...photographing, error } : undefined),
            )
          }
          onCancel={() => setPhotographing(undefined)}
        />
      )}
    </Card>
  );
}
