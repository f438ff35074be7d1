import { Alert, Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Verdict } from './act';
import type { WorkAction } from './work-items';

/**
 * Asks for what an action needs before it is signed: an opinion (approve / reject) and a reason. The gateway's
 * refusal is shown inside the dialog, and what was typed stays.
 */
export function ActionDialog(props: {
  action: WorkAction;
  projectName: string;
  error?: string;
  busy: boolean;
  onSign(verdict: Verdict): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Verdict>();
  const needsOpinion = props.action === 'review' || props.action === 'decision';
  return (
    <Modal
      open
      title={`${t(`work.actions.${props.action}`)}：${props.projectName}`}
      okText={t('work.sign')}
      cancelText={t('work.cancel')}
      confirmLoading={props.busy}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
    >
      <Form form={form} layout="vertical" onFinish={props.onSign} initialValues={{ opinion: 'approve' }}>
        {needsOpinion && (
          <Form.Item name="opinion" label={t('work.opinion')}>
            <Radio.Group>
              <Radio value="approve">{t('work.approve')}</Radio>
              <Radio value="reject">{t('work.reject')}</Radio>
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('work.reason')}
          rules={[{ required: true, min: 2, max: 500, message: t('work.reasonRequired') }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        {props.error && <Alert type="error" showIcon title={props.error} />}
      </Form>
    </Modal>
  );
}
