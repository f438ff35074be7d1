import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import dayjs from 'dayjs';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { formatYuan } from '../format/amount';
import type { Project } from '../work/work-items';
import { SealedDocumentPanel } from '../documents/SealedDocumentPanel';
import { useSession } from '../session/session';
import { SEALING_ORDER } from '@luohu/domain';

type Step = Project['steps'][number];
type Change =
  paths['/v1/records/{kind}/{id}/history']['get']['responses']['200']['content']['application/json']['changes'][number];

/** The enrollment ID a certificate's X.509 ID names (…/CN=<id>::…), for people to read. */
const cnOf = (x509Id: string) => /CN=([^/:]+)/.exec(x509Id)?.[1] ?? x509Id;

/** A project's story: what it is, every step with who took it, and every committed version with its ledger receipt. */
export function ProjectPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const when = (iso: string) => dayjs(iso).format(i18n.language === 'en' ? 'YYYY-MM-DD HH:mm' : 'YYYY年M月D日 HH:mm');
  const project = useQuery({
    queryKey: ['project', id],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/projects/{id}', { params: { path: { id: id! } } });
      if (!data) throw new Error(JSON.stringify(error));
      return data as Project;
    },
  });
  const history = useQuery({
    queryKey: ['history', 'project', id],
    queryFn: async () => {
      const { data } = await api.GET('/v1/records/{kind}/{id}/history', {
        params: { path: { kind: 'project', id: id! } },
      });
      return data?.changes ?? [];
    },
  });
  const p = project.data;
  return (
    <Card title={p ? `${p.name}（${p.id}）` : t('project.loading')} loading={project.isLoading}>
      {p && (
        <Descriptions bordered size="small" column={2} style={{ marginBottom: 24 }}>
          <Descriptions.Item label={t('work.status')}>
            <Tag>{t(`status.${p.status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('work.deadline')}>
            {p.deadline ?? (p.status === 'correction' ? t('work.clockStopped') : '—')}
          </Descriptions.Item>
          <Descriptions.Item label={t('project.type')}>{t(`projectType.${p.type}`)}</Descriptions.Item>
          <Descriptions.Item label={t('work.budget')}>{formatYuan(p.budget, i18n.language)}</Descriptions.Item>
          <Descriptions.Item label={t('project.location')}>{p.location}</Descriptions.Item>
          <Descriptions.Item label={t('project.contractor')}>{p.contractorId}</Descriptions.Item>
        </Descriptions>
      )}
      {p &&
        (p.status === 'approved' || p.status === 'rejected') &&
        session?.me.mspId === 'HousingMSP' &&
        SEALING_ORDER.some((s) => s.role === session.me.role) && <SealedDocumentPanel projectId={p.id} />}
      <Typography.Title level={5}>{t('project.steps')}</Typography.Title>
      <Table<Step>
        rowKey={(s) => `${s.step}-${s.at}`}
        size="small"
        pagination={false}
        dataSource={p?.steps ?? []}
        columns={[
          { title: t('project.when'), dataIndex: 'at', render: when },
          { title: t('project.step'), dataIndex: 'step', render: (s: string) => t(`step.${s}`) },
          { title: t('project.to'), dataIndex: 'to', render: (s: string) => t(`status.${s}`) },
          { title: t('project.by'), dataIndex: 'by', render: (by: Step['by']) => `${cnOf(by.id)}（${by.mspId}）` },
          { title: t('work.reason'), dataIndex: 'reason', render: (r?: string) => r ?? '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('project.receipts')}
      </Typography.Title>
      <Table<Change>
        rowKey="transactionId"
        size="small"
        pagination={false}
        loading={history.isLoading}
        dataSource={history.data ?? []}
        columns={[
          { title: t('project.when'), dataIndex: 'timestamp', render: when },
          { title: t('project.block'), dataIndex: 'blockNumber' },
          {
            title: t('project.transaction'),
            dataIndex: 'transactionId',
            render: (tx: string) => (
              <Typography.Text code copyable={{ text: tx }}>
                {tx.slice(0, 16)}…
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}
