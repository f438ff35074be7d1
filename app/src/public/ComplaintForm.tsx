import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { nearestSubdistrict } from '@luohu/domain';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import type { LatLng } from '../map/DistrictMap';
import { rememberComplaint } from './my-complaints';
import { Panel } from './Panel';

type ComplaintBody = paths['/v1/open311/requests']['post']['requestBody']['content']['application/json'];
type Fields = Pick<ComplaintBody, 'service_code' | 'description' | 'address_string' | 'phone'>;

/**
 * A complaint in the FixMyStreet way: the place pinned on the map above, a category (or none: the system classifies
 * the text), what is wrong, an optional phone; answered with a tracking number and the receipt token.
 */
export function ComplaintForm({ here }: { here: LatLng }) {
  const { t, i18n } = useTranslation();
  const [filed, setFiled] = useState<{ id: string; token: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [photo, setPhoto] = useState<File>();
  const services = useQuery({
    queryKey: ['services'],
    queryFn: async () => (await api.GET('/v1/open311/services')).data ?? [],
  });
  const place = nearestSubdistrict(here.lat, here.lng);

  const file = async (values: Fields) => {
    setBusy(true);
    setError(undefined);
    try {
      let media_url: string | undefined;
      if (photo) {
        // The photo first (its bytes as they are; the gateway keeps JPEG, PNG or WebP): the complaint names it.
        const sent = await api.POST('/v1/open311/photos', {
          body: photo as never,
          bodySerializer: (b: unknown) => b as File,
          headers: { 'content-type': photo.type || 'application/octet-stream' },
        });
        if (!sent.data)
          return setError((sent.error as { error?: { message: string } })?.error?.message ?? t('public.failed'));
        media_url = sent.data.media_url;
      }
      const { data, error: refused } = await api.POST('/v1/open311/requests', {
        body: { ...values, lat: here.lat, long: here.lng, phone: values.phone || undefined, media_url },
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
    <Panel title={t('public.complain')}>
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
          <Form.Item label={t('public.pinned')}>
            <Typography.Text data-testid="complaint-place">
              {t('public.pinnedAt', {
                place: i18n.language === 'en' ? place.en : place.zh,
                lat: here.lat.toFixed(4),
                lng: here.lng.toFixed(4),
              })}
            </Typography.Text>
          </Form.Item>
          <Form.Item
            label={t('public.category')}
            name="service_code"
            getValueFromEvent={(e) => e.target.value || undefined}
          >
            {/* The phone's own picker (antd's Select would add ~45 KB gzipped to the first page). */}
            <select className="public-select">
              <option value="">{t('public.autoCategory')}</option>
              {(services.data ?? []).map((s) => (
                <option key={s.service_code} value={s.service_code}>
                  {s.service_name}
                </option>
              ))}
            </select>
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
          <Form.Item
            label={t('public.photo')}
            extra={photo ? `${photo.name} · ${(photo.size / 1024).toFixed(0)} KB` : undefined}
          >
            <input
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-label={t('public.photo')}
              onChange={(e) => setPhoto(e.target.files?.[0])}
            />
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
    </Panel>
  );
}
