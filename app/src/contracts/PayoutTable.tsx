import { Button, Space, Table, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { DEADLINE_COLOURS } from '../format/deadline';
import { formatYuan } from '../format/amount';
import { useSession } from '../session/session';
import type { Contract, Milestone, Payout } from './contract-data';
import { paymentDeadline, payoutRules } from './payout-rules';
import { may } from './roles';

const PAYMENT_TONE = { ok: DEADLINE_COLOURS.ok, late: DEADLINE_COLOURS.due, overdue: DEADLINE_COLOURS.overdue };

/**
 * Payouts: the amount, why it is allowed or refused (each rule), its two-bureau state (requested by Finance, approved by
 * Housing), the bank transfer and confirmation, and the 30-day limit from acceptance; the role's actions.
 */
export function PayoutTable(props: {
  payouts: Payout[];
  projectPayouts: Payout[];
  milestones: Milestone[];
  contract?: Contract;
  projectBudget?: number;
  busy?: string;
  onApprove(p: Payout): void;
  onReject(p: Payout): void;
  onTransfer(p: Payout): void;
}) {
  const { t, i18n } = useTranslation();
  const me = useSession().session!.me;
  const yuan = (fen: number) => formatYuan(fen, i18n.language);
  const milestone = (p: Payout) => props.milestones.find((m) => m.id === p.milestoneId);
  const rules = (p: Payout) => {
    const m = milestone(p);
    if (!m || !props.contract || props.projectBudget === undefined) return [];
    return payoutRules({
      payout: p,
      milestone: m,
      contract: props.contract,
      projectBudget: props.projectBudget,
      contractPayouts: props.payouts,
      projectPayouts: props.projectPayouts,
    });
  };
  return (
    <Table<Payout>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={props.payouts}
      locale={{ emptyText: t('contracts.noPayouts') }}
      columns={[
        { title: t('contracts.payout'), dataIndex: 'id' },
        { title: t('contracts.milestone'), dataIndex: 'milestoneId' },
        { title: t('contracts.amount'), dataIndex: 'amount', align: 'right', render: yuan },
        {
          title: t('contracts.why'),
          key: 'why',
          render: (_: unknown, p) => (
            <Space orientation="vertical" size={0}>
              {rules(p).map((r) => (
                <span key={r.rule}>
                  {r.ok ? '✓' : '✗'} {t(`contracts.rules.${r.rule}`)}
                  {r.limit !== undefined && `：${yuan(r.committed! + p.amount)} / ${yuan(r.limit)}`}
                </span>
              ))}
            </Space>
          ),
        },
        {
          title: t('contracts.state'),
          key: 'state',
          render: (_: unknown, p) => (
            <Space orientation="vertical" size={0}>
              <Tag>{t(`contracts.payoutStatus.${p.status}`)}</Tag>
              <span>{t('contracts.requestedBy', { msp: p.requestedBy.mspId })}</span>
              {p.approvedBy && <span>{t('contracts.approvedBy', { msp: p.approvedBy.mspId })}</span>}
              {p.rejectReason && <span>{t('contracts.rejected', { reason: p.rejectReason })}</span>}
            </Space>
          ),
        },
        {
          title: t('contracts.bank'),
          key: 'bank',
          render: (_: unknown, p) =>
            p.bankConfirmation ? (
              <span>
                {t('contracts.confirmed', {
                  reference: p.bankConfirmation.reference,
                  at: dayjs(p.bankConfirmation.confirmedAt).format('YYYY-MM-DD HH:mm'),
                })}
              </span>
            ) : p.transfer ? (
              t('contracts.sent', { at: dayjs(p.transfer.instructedAt).format('YYYY-MM-DD HH:mm') })
            ) : (
              '—'
            ),
        },
        {
          title: t('contracts.limit30'),
          key: 'limit',
          render: (_: unknown, p) => {
            const m = milestone(p);
            if (!m?.acceptedAt || p.status === 'rejected') return '—';
            const d = paymentDeadline(m.acceptedAt, p.bankConfirmation?.confirmedAt, new Date());
            return (
              <Tooltip title={t('contracts.limitRule')}>
                <Tag color={PAYMENT_TONE[d.state]}>{t(`contracts.limitState.${d.state}`, d)}</Tag>
              </Tooltip>
            );
          },
        },
        {
          title: t('work.action'),
          key: 'action',
          render: (_: unknown, p) => (
            <Space wrap>
              {p.status === 'requested' && may.approve(me) && (
                <Button type="primary" loading={props.busy === `approve:${p.id}`} onClick={() => props.onApprove(p)}>
                  {t('contracts.approve')}
                </Button>
              )}
              {p.status === 'requested' && may.reject(me) && (
                <Button onClick={() => props.onReject(p)}>{t('contracts.reject')}</Button>
              )}
              {p.status === 'approved' && !p.transfer && may.transfer(me) && (
                <Button type="primary" loading={props.busy === `transfer:${p.id}`} onClick={() => props.onTransfer(p)}>
                  {t('contracts.transfer')}
                </Button>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
