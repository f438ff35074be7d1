import { Alert, Form, InputNumber, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { committedAmount } from '@luohu/domain';
import { formatYuan } from '../format/amount';
import type { Milestone, Payout } from './contract-data';

/**
 * A payout request for an accepted milestone: the amount in 元 (at most what the milestone has left); the chaincode
 * checks every cap again, and a request over a cap is refused and recorded as an overpayment alert.
 */
export function RequestPayoutDialog(props: {
  milestone: Milestone;
  payouts: Payout[];
  error?: string;
  busy: boolean;
  onSign(amountFen: number): void;
  onCancel(): void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<{ yuan: number }>();
  const left =
    props.milestone.amount - committedAmount(props.payouts.filter((p) => p.milestoneId === props.milestone.id));
  return (
    <Modal
      open
      title={`${t('contracts.request')}：${props.milestone.name}`}
      okText={t('work.sign')}
      cancelText={t('work.cancel')}
      confirmLoading={props.busy}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
    >
      <Typography.Paragraph>{t('contracts.left', { amount: formatYuan(left, i18n.language) })}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ yuan: left / 100 }}
        onFinish={({ yuan }) => props.onSign(Math.round(yuan * 100))}
      >
        <Form.Item name="yuan" label={t('contracts.amountYuan')} rules={[{ required: true }]}>
          <InputNumber min={0.01} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        {props.error && <Alert type="error" showIcon title={props.error} />}
      </Form>
    </Modal>
  );
}
