import { Alert, Col, Row, Space, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { SUBDISTRICTS } from '@luohu/domain';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { DEADLINE_COLOURS } from '../format/deadline';
import { Figure } from './Figure';
import { LazyDistrictMap } from '../map/LazyDistrictMap';
import { deviationTone, orDash, percentOf } from './figures';

/** The district's figures as the gateway computes them (GET /v1/dashboard). */
export type DashboardFigures = paths['/v1/dashboard']['get']['responses']['200']['content']['application/json'];

/**
 * 领导驾驶舱: the seed's figures computed live from the read model, each with its definition on hover (and in the
 * README). Re-read when a ledger event of any family arrives (the socket marks `dashboard` stale).
 */
export function Dashboard() {
  const { t, i18n } = useTranslation();
  const figures = useQuery({
    queryKey: ['dashboard'],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/dashboard');
      if (!data) throw new Error(JSON.stringify(error));
      return data;
    },
  });
  if (figures.error) return <Alert type="error" showIcon title={String(figures.error.message)} />;
  const d = figures.data;
  if (!d) return <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>;
  const f = (key: string) => ({
    id: key,
    title: t(`dashboard.${key}.title`),
    definition: t(`dashboard.${key}.definition`),
  });
  const spreadText = (s: { median: number | null; p90: number | null; count: number }) =>
    t('dashboard.spread', { median: orDash(s.median), p90: orDash(s.p90), count: s.count });
  const name = (code: string) => {
    const s = SUBDISTRICTS.find((x) => x.code === code)!;
    return i18n.language === 'en' ? s.en : s.zh;
  };

  return (
    <>
      <Space align="baseline" wrap>
        <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
        <Typography.Text type="secondary">
          {t('dashboard.computedAt', { at: dayjs(d.computedAt).format('YYYY-MM-DD HH:mm:ss') })}
        </Typography.Text>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('approvalTime')}
            value={orDash(d.approval.approvalWorkingDays.median)}
            suffix={t('dashboard.workingDays')}
            footer={spreadText(d.approval.approvalWorkingDays)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('reviewsOnTime')}
            value={percentOf(d.approval.reviewsOnTime)}
            footer={t('dashboard.of', d.approval.reviewsOnTime)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('contractPerformance')}
            value={percentOf(d.contractPerformance)}
            footer={t('dashboard.of', d.contractPerformance)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('withoutMilestone')}
            value={d.payouts.withoutAcceptedMilestone}
            tone={d.payouts.withoutAcceptedMilestone === 0 ? 'good' : 'bad'}
            footer={t('dashboard.refusedByRule', { count: d.payouts.refusedByRule })}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('daysToBank')}
            value={orDash(d.payouts.daysToBank.median)}
            suffix={t('dashboard.days')}
            footer={spreadText(d.payouts.daysToBank)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('responseTime')}
            value={orDash(d.complaints.responseHours.median)}
            suffix={t('dashboard.hours')}
            footer={spreadText(d.complaints.responseHours)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('answeredOnTime')}
            value={percentOf(d.complaints.answeredOnTime)}
            footer={t('dashboard.of', d.complaints.answeredOnTime)}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Figure
            {...f('satisfaction')}
            value={percentOf(d.complaints.satisfaction)}
            footer={t('dashboard.of', d.complaints.satisfaction)}
          />
        </Col>
        <Col xs={24} xl={12}>
          <Figure
            {...f('safety')}
            value={d.safety.open}
            footer={
              <>
                {t('dashboard.safetyFooter', {
                  perProject: orDash(d.safety.perProject),
                  hours: orDash(d.safety.hoursToResolve.median),
                })}
                <div style={{ marginTop: 8 }}>
                  {Object.entries(d.safety.byType)
                    .filter(([, n]) => n > 0)
                    .map(([type, n]) => (
                      <Tag key={type}>{`${t(`alertType.${type}`)} ${n}`}</Tag>
                    ))}
                </div>
              </>
            }
          />
        </Col>
        <Col xs={24} xl={12}>
          <Figure
            {...f('projects')}
            value={Object.values(d.approval.byStatus).reduce((a, b) => a + b, 0)}
            footer={
              <div style={{ marginTop: 8 }}>
                {Object.entries(d.approval.byStatus).map(([status, n]) => (
                  <Tag key={status}>{`${t(`status.${status}`)} ${n}`}</Tag>
                ))}
              </div>
            }
          />
        </Col>
      </Row>
      <Typography.Title level={4} style={{ marginTop: 24 }}>
        {t('dashboard.subdistricts.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('dashboard.subdistricts.definition')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <LazyDistrictMap
            label={t('dashboard.subdistricts.mapLabel')}
            cluster={false}
            height={360}
            points={d.subdistricts.map((row) => {
              const s = SUBDISTRICTS.find((x) => x.code === row.code)!;
              const deviation = row.deviation === null ? '—' : `${row.deviation > 0 ? '+' : ''}${row.deviation}`;
              return {
                id: row.code,
                lat: s.lat,
                lng: s.lng,
                label: t('dashboard.subdistricts.pointLabel', {
                  name: name(row.code),
                  projects: row.projects,
                  deviation,
                }),
                colour: row.deviation === null ? '#8c8c8c' : DEADLINE_COLOURS[deviationTone(row.deviation)],
              };
            })}
          />
        </Col>
        <Col xs={24} lg={12}>
          <Table
            rowKey="code"
            size="small"
            pagination={false}
            dataSource={d.subdistricts}
            columns={[
              { title: t('dashboard.subdistricts.name'), dataIndex: 'code', render: name },
              { title: t('dashboard.subdistricts.projects'), dataIndex: 'projects', align: 'right' },
              {
                title: t('dashboard.subdistricts.deviation'),
                dataIndex: 'deviation',
                align: 'right',
                render: (v: number | null) =>
                  v === null ? '—' : <Tag color={DEADLINE_COLOURS[deviationTone(v)]}>{`${v > 0 ? '+' : ''}${v}`}</Tag>,
              },
            ]}
          />
        </Col>
      </Row>
    </>
  );
}
