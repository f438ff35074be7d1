import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Rate, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, sawReceipt } from '../api/client';
import { tokenOf } from '../public/my-complaints';

/** A complaint as its citizen tracks it: status, the answer, and the rating once answered (with the receipt token). */
export function ComplaintTracking() {
  const { id } = useParams();
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const token = tokenOf(id!);
  const headers = token ? { 'x-receipt-token': token } : {};
  const [error, setError] = useState<string>();
  const request = useQuery({
    queryKey: ['complaint', id],
    queryFn: async () =>
      (await api.GET('/v1/open311/requests/{id}', { params: { path: { id: id! } }, headers })).data?.[0],
  });
  const rate = async (values: { score: number; comment?: string }) => {
    const { data, error: refused } = await api.POST('/v1/open311/requests/{id}/rating', {
      params: { path: { id: id! } },
      headers,
      body: { score: values.score, ...(values.comment ? { comment: values.comment } : {}) },
    });
    if (refused) return setError((refused as { error?: { message: string } }).error?.message);
    sawReceipt(data); // the next read waits for the rating's block
    await queryClient.invalidateQueries({ queryKey: ['complaint', id] });
  };
  const r = request.data as
    | (NonNullable<typeof request.data> & { status_notes?: string | null; rating?: { score: number } | null })
    | undefined;
  return (
    <Card title={t('public.tracking', { id })} loading={request.isLoading} style={{ maxWidth: 560, margin: '0 auto' }}>
      {r && (
        <Descriptions column={1} bordered size="small" styles={{ label: { whiteSpace: 'nowrap' } }}>
          <Descriptions.Item label={t('work.status')}>
            <Tag>{t(`complaintStatus.${r.detailed_status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('public.category')}>{r.service_name}</Descriptions.Item>
          <Descriptions.Item label={t('public.answer')}>{r.status_notes ?? t('public.noAnswer')}</Descriptions.Item>
          {r.rating && (
            <Descriptions.Item label={t('public.rating')}>
              <Rate disabled value={r.rating.score} />
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {r && token && ['answered', 'closed'].includes(r.detailed_status) && !r.rating && (
        <Form layout="vertical" onFinish={rate} style={{ marginTop: 16 }}>
          <Form.Item
            label={t('public.rate')}
            name="score"
            rules={[{ required: true, message: t('public.rateRequired') }]}
          >
            {/* Radios, not antd's Rate: a labelled radio group that axe accepts and a keyboard can operate. */}
            <Radio.Group options={[1, 2, 3, 4, 5].map((n) => ({ value: n, label: '★'.repeat(n) }))} />
          </Form.Item>
          <Form.Item label={t('public.comment')} name="comment">
            <Input.TextArea rows={2} />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block>
            {t('public.sendRating')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
