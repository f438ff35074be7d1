import { Alert, Button, Card, Descriptions, List, Progress, Space, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { DEADLINE_COLOURS } from '../format/deadline';
import { formatYuan } from '../format/amount';
import { LazyDistrictMap } from '../map/LazyDistrictMap';
import { TYPE_COLOURS } from '../map/colours';

/** A date as people read it: 2026年12月5日, or 5 Dec 2026. */
const dateOf = (at: string, language: string) => dayjs(at).format(language === 'en' ? 'D MMM YYYY' : 'YYYY年M月D日');

/**
 * An approved project's public page, as a site board shows it: what, where, who builds it, planned against actual,
 * whom to contact — and a complaint pinned to it. Any other project is "not found" (applications are not public).
 */
export function ProjectPublicPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const project = useQuery({
    queryKey: ['public-project', id],
    queryFn: async () => {
      const { data, response } = await api.GET('/v1/public/projects/{id}', { params: { path: { id } } });
      if (response.status === 404) return null;
      if (!data) throw new Error(String(response.status));
      return data;
    },
  });
  if (project.isLoading) return <Card loading />;
  if (!project.data)
    return (
      <Alert
        type={project.isError ? 'error' : 'warning'}
        showIcon
        title={t(project.isError ? 'publicProject.failed' : 'publicProject.notFound')}
        description={<Link to="/public">{t('publicProject.back')}</Link>}
      />
    );
  const p = project.data;
  const en = i18n.language === 'en';
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 720, margin: '0 auto', display: 'flex' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {p.name}
        </Typography.Title>
        <Space wrap style={{ marginBottom: 12 }}>
          <Tag>{t(`projectType.${p.type}`)}</Tag>
          <Tag>{en ? p.subdistrict.en : p.subdistrict.zh}</Tag>
        </Space>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('publicProject.builder')}>{p.builder?.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('publicProject.address')}>{p.address}</Descriptions.Item>
          <Descriptions.Item label={t('publicProject.budget')}>{formatYuan(p.budget, i18n.language)}</Descriptions.Item>
          <Descriptions.Item label={t('publicProject.approvedAt')}>
            {p.approvedAt ? dateOf(p.approvedAt, i18n.language) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('publicProject.contact')}>
            {t('publicProject.contactText', { hotline: p.contact.hotline })}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('publicProject.progress')}>
        {p.progress ? (
          <>
            <Typography.Text>{t('publicProject.planned')}</Typography.Text>
            <Progress
              percent={p.progress.plannedPercent}
              strokeColor="#8c8c8c"
              aria-label={t('publicProject.planned')}
            />
            <Typography.Text>{t('publicProject.actual')}</Typography.Text>
            <Progress percent={p.progress.actualPercent} aria-label={t('publicProject.actual')} />
            <Typography.Text type="secondary">
              {t('publicProject.asOf', { date: dateOf(p.progress.asOf, i18n.language) })}
            </Typography.Text>
          </>
        ) : (
          <Typography.Text type="secondary">{t('publicProject.noProgress')}</Typography.Text>
        )}
        <List
          style={{ marginTop: 12 }}
          header={<Typography.Text strong>{t('publicProject.milestones')}</Typography.Text>}
          locale={{ emptyText: t('publicProject.noMilestones') }}
          dataSource={p.milestones}
          renderItem={(m) => (
            <List.Item>
              <List.Item.Meta
                title={m.name}
                description={t('publicProject.plannedBy', { date: dateOf(m.plannedDate, i18n.language) })}
              />
              {m.status === 'accepted' && m.acceptedAt ? (
                <Tag color={DEADLINE_COLOURS.ok}>
                  {t('publicProject.acceptedOn', { date: dateOf(m.acceptedAt, i18n.language) })}
                </Tag>
              ) : (
                <Tag>
                  {m.actualPercent === null
                    ? t('publicProject.underway')
                    : t('publicProject.percentDone', { percent: m.actualPercent })}
                </Tag>
              )}
            </List.Item>
          )}
        />
      </Card>
      <Card title={t('publicProject.where')}>
        <LazyDistrictMap
          label={t('publicProject.mapLabel', { name: p.name })}
          height={240}
          points={[{ id: p.id, lat: p.lat, lng: p.lng, label: p.name, colour: TYPE_COLOURS[p.type] }]}
          pin={{ lat: p.lat, lng: p.lng }}
          focus={{ lat: p.lat, lng: p.lng }}
        />
        <Button
          type="primary"
          block
          style={{ marginTop: 12 }}
          onClick={() => navigate(`/public?lat=${p.lat}&lng=${p.lng}`)}
        >
          {t('publicProject.complain')}
        </Button>
      </Card>
    </Space>
  );
}
