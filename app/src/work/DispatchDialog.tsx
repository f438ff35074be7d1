import { Alert, Form, InputNumber, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { departmentsWith } from '@luohu/domain';

/** The units that handle complaints (departments with the `complaints` duty). */
const UNITS = departmentsWith('complaints');

/**
 * Dispatch (派单): the handling unit and, optionally, the working days it has (the category's usual time when left
 * empty); the gateway's refusal shows in the dialog, and the choice stays.
 */
export function DispatchDialog(props: {
  complaintId: string;
  error?: string;
  busy: boolean;
  onSign(body: { unit?: string; workingDays?: number }): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ unit?: string; workingDays?: number }>();
  return (
    <Modal
      open
      title={`${t('work.complaints.dispatch')}：${props.complaintId}`}
      okText={t('work.sign')}
      cancelText={t('work.cancel')}
      confirmLoading={props.busy}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => props.onSign(Object.fromEntries(Object.entries(v).filter(([, x]) => x != null)))}
      >
        <Form.Item name="unit" label={t('work.complaints.unit')} rules={[{ required: true }]}>
          <Select options={UNITS.map((u) => ({ value: u, label: t(`dept.${u}`) }))} />
        </Form.Item>
        <Form.Item name="workingDays" label={t('work.complaints.workingDays')}>
          <InputNumber min={1} max={60} />
        </Form.Item>
        {props.error && <Alert type="error" showIcon title={props.error} />}
      </Form>
    </Modal>
  );
}
