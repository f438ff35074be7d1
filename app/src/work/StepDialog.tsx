import { Alert, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Asks for the one text a step needs (an answer, a resolution) before it is signed. The gateway's refusal shows
 * inside the dialog, and what was typed stays.
 */
export function StepDialog(props: {
  title: string;
  label: string;
  min: number;
  max: number;
  error?: string;
  busy: boolean;
  onSign(text: string): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ text: string }>();
  return (
    <Modal
      open
      title={props.title}
      okText={t('work.sign')}
      cancelText={t('work.cancel')}
      confirmLoading={props.busy}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
    >
      <Form form={form} layout="vertical" onFinish={({ text }) => props.onSign(text)}>
        <Form.Item
          name="text"
          label={props.label}
          rules={[
            {
              required: true,
              min: props.min,
              max: props.max,
              message: t('work.textLength', { min: props.min, max: props.max }),
            },
          ]}
        >
          <Input.TextArea rows={4} />
        </Form.Item>
        {props.error && <Alert type="error" showIcon title={props.error} />}
      </Form>
    </Modal>
  );
}
