import { useState } from 'react';
import { Alert, Button, Card, Modal, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { requiredFiles, type ProjectType } from '@luohu/domain';
import { api, signedWrite } from '../api/client';
import { readAll } from '../api/read-all';
import { DEADLINE_COLOURS, deadlineState } from '../format/deadline';
import { useSession } from '../session/session';
import { useSignedStep } from '../work/use-signed-step';
import type { Project } from '../work/work-items';
import { FileUploads, useUploads } from './FileUploads';

/** Why the application was returned (补正): the reason of its latest return for correction. */
export const correctionReason = (p: Pick<Project, 'steps'>): string | undefined =>
  [...(p.steps ?? [])].reverse().find((s) => s.step === 'returnForCorrection')?.reason ?? undefined;

/**
 * The applicant's own applications (the gateway shows a company only its own), with status and deadline; one
 * returned for correction (补正) is corrected here: the documents uploaded again, resubmitted, signed on this device.
 */
export function MyApplications() {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const [correcting, setCorrecting] = useState<Project>();
  const step = useSignedStep();
  const projects = useQuery({
    queryKey: ['applications'],
    queryFn: async () => {
      return readAll(async (after) => {
        const { data, error } = await api.GET('/v1/projects', { params: { query: { limit: 100, after } } });
        if (!data) throw new Error(JSON.stringify(error));
        return data;
      });
    },
  });
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Card title={t('apply.mine.title')} style={{ marginBottom: 16 }}>
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginBottom: 16 }} />}
      <Table<Project>
        rowKey="id"
        size="small"
        loading={projects.isLoading}
        dataSource={projects.data ?? []}
        locale={{ emptyText: t('apply.mine.empty') }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          {
            title: t('work.project'),
            dataIndex: 'name',
            render: (name: string, p) => <Link to={`/projects/${p.id}`}>{`${name}（${p.id}）`}</Link>,
          },
          { title: t('work.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`status.${s}`)}</Tag> },
          {
            title: t('work.deadline'),
            dataIndex: 'deadline',
            render: (d: string | null, p) => {
              if (!d) return p.status === 'correction' ? t('work.clockStopped') : '—';
              const state = deadlineState(d, today);
              return (
                <Tag color={DEADLINE_COLOURS[state]}>
                  {dayjs(d).format(i18n.language === 'en' ? 'YYYY-MM-DD' : 'YYYY年M月D日')}
                </Tag>
              );
            },
          },
          {
            title: t('work.action'),
            key: 'action',
            render: (_: unknown, p) =>
              p.status === 'correction' ? (
                <Button type="primary" onClick={() => setCorrecting(p)}>
                  {t('apply.mine.correct')}
                </Button>
              ) : null,
          },
        ]}
      />
      {correcting && (
        <CorrectionDialog
          project={correcting}
          busy={step.busy !== undefined}
          onResubmit={async (files) => {
            const refusal = await step.run(`resubmit:${correcting.id}`, () =>
              signedWrite(
                session!.holder!,
                api.POST('/v1/projects/{id}/resubmission', {
                  params: { path: { id: correcting.id } },
                  body: { files },
                }),
              ),
            );
            if (!refusal) setCorrecting(undefined);
            return refusal;
          }}
          onCancel={() => setCorrecting(undefined)}
        />
      )}
    </Card>
  );
}

/**
 * 补正: why it was returned, each required document to upload again (a document not uploaded again keeps the file of
 * the application), and the resubmission; the gateway's refusal stays in the dialog with the uploads.
 */
function CorrectionDialog(props: {
  project: Project;
  busy: boolean;
  onResubmit(files: { kind: string; sha256: string }[]): Promise<string | undefined>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const uploads = useUploads();
  const [error, setError] = useState<string>();
  const kinds = requiredFiles(props.project.type as ProjectType);
  const files = () => {
    const fresh = new Map(uploads.uploaded(kinds).map((f) => [f.kind, f.sha256]));
    const before = new Map((props.project.files ?? []).map((f) => [f.kind, f.sha256]));
    return kinds
      .filter((kind) => fresh.has(kind) || before.has(kind))
      .map((kind) => ({ kind, sha256: fresh.get(kind) ?? before.get(kind)! }));
  };
  return (
    <Modal
      open
      width={720}
      title={`${t('apply.mine.correct')}：${props.project.name}`}
      okText={t('apply.mine.resubmit')}
      cancelText={t('work.cancel')}
      confirmLoading={props.busy}
      onOk={async () => setError(await props.onResubmit(files()))}
      onCancel={props.onCancel}
    >
      <Typography.Paragraph>
        {t('apply.mine.reason')}：{correctionReason(props.project) ?? '—'}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('apply.mine.keep')}</Typography.Paragraph>
      <FileUploads kinds={kinds} uploads={uploads} />
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}
