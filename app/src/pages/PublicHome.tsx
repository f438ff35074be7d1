import { useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { paths } from '../api/schema';

type ComplaintBody = paths['/v1/open311/requests']['post']['requestBody']['content']['application/json'];
import { myComplaints, rememberComplaint } from '../public/my-complaints';

/** The centre of Luohu (WGS-84), where "nearby" starts until the citizen locates themselves. */
const LUOHU = { lat: 22.5482, lng: 114.1315 };

/**
 * The citizens' page (no sign-in, phone first): approved projects near them, and a complaint in the FixMyStreet way —
 * category, what is wrong, where, optional contact — answered with a tracking number and a receipt token.
 */
export function PublicHome() {
  const { t } = useTranslation();
  const [here, setHere] = useState(LUOHU);
  const [filed, setFiled] = useState<{ id: string; token: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nearby = useQuery({
    queryKey: ['nearby', here],
    queryFn: async () =>
      (await api.GET('/v1/public/projects/nearby', { params: { query: { ...here, radiusKm: 5 } } })).data?.items ?? [],
  });
  const services = useQuery({
    queryKey: ['services'],
    queryFn: async () => (await api.GET('/v1/open311/services')).data ?? [],
  });
  const locate = () =>
    navigator.geolocation?.getCurrentPosition((p) => setHere({ lat: p.coords.latitude, lng: p.coords.longitude }));

  const file = async (values: Pick<ComplaintBody, 'service_code' | 'description' | 'address_string' | 'phone'>) => {
    setBusy(true);
    setError(undefined);
    try {
      const { data, error: refused } = await api.POST('/v1/open311/requests', {
        body: { ...values, lat: here.lat, long: here.lng, phone: values.phone || undefined },
      });
      const request = data?.[0];
      if (!request) return setError((refused as { error?: { message: string } })?.error?.message ?? t('public.failed'));
      rememberComplaint({
        id: request.service_request_id,
        token: request.receipt_token,
        filedAt: new Date().toISOString(),
      });
      setFiled({ id: request.service_request_id, token: request.receipt_token });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560, margin: '0 auto', display: 'flex' }}>
      <Card title={t('public.complain')}>
        {filed ? (
          <Alert
            type="success"
            showIcon
            title={t('public.filed', { id: filed.id })}
            description={
              <>
                <Typography.Paragraph>{t('public.keepToken')}</Typography.Paragraph>
                <Typography.Text code copyable>
                  {filed.token}
                </Typography.Text>
                <div style={{ marginTop: 8 }}>
                  <Link to={`/public/complaints/${filed.id}`}>{t('public.track')}</Link>
                </div>
              </>
            }
          />
        ) : (
          <Form layout="vertical" onFinish={file}>
            <Form.Item label={t('public.category')} name="service_code">
              <Select
                allowClear
                placeholder={t('public.autoCategory')}
                options={(services.data ?? []).map((s) => ({ value: s.service_code, label: s.service_name }))}
              />
            </Form.Item>
            <Form.Item
              label={t('public.description')}
              name="description"
              rules={[{ required: true, min: 5, max: 2000, message: t('public.descriptionRequired') }]}
            >
              <Input.TextArea rows={4} />
            </Form.Item>
            <Form.Item label={t('public.address')} name="address_string" rules={[{ required: true, max: 200 }]}>
              <Input />
            </Form.Item>
            <Form.Item label={t('public.phone')} name="phone" rules={[{ pattern: /^\+?[0-9 -]{5,20}$/ }]}>
              <Input inputMode="tel" />
            </Form.Item>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit" loading={busy} block>
              {t('public.submit')}
            </Button>
          </Form>
        )}
      </Card>
      <Card title={t('public.nearby')} extra={<Button onClick={locate}>{t('public.locate')}</Button>}>
        <List
          loading={nearby.isLoading}
          locale={{ emptyText: t('public.noneNearby') }}
          dataSource={(nearby.data ?? []).slice(0, 8)}
          renderItem={(p) => (
            <List.Item>
              <List.Item.Meta
                title={p.name}
                description={`${t(`projectType.${p.type}`)} · ${p.location} · ${t('public.distance', { km: p.distanceKm.toFixed(1) })}`}
              />
              <Tag>{t(`status.${p.status}`)}</Tag>
            </List.Item>
          )}
        />
      </Card>
      {myComplaints().length > 0 && (
        <Card title={t('public.mine')}>
          <List
            dataSource={myComplaints()}
            renderItem={(c) => (
              <List.Item>
                <Link to={`/public/complaints/${c.id}`}>{c.id}</Link>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}
