import { useState } from 'react';
import { Alert, Button, Card, Input, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, signedWrite } from '../api/client';
import { readAll } from '../api/read-all';
import { DEADLINE_COLOURS, deadlineState } from '../format/deadline';
import { matches } from '../format/matches';
import { useSession } from '../session/session';
import { DispatchDialog } from './DispatchDialog';
import { complaintQueries, complaintWork, type ComplaintWork, type StaffComplaint } from './site-steps';
import { StepDialog } from './StepDialog';
import { useSignedStep } from './use-signed-step';

/**
 * Citizens' complaints awaiting this person: the dispatch office dispatches them to a unit with a working-day
 * deadline; the unit's clerks start, answer and close them. Each step signed on this device.
 */
export function ComplaintQueue() {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const me = session!.me;
  const step = useSignedStep();
  const [dialog, setDialog] = useState<{ work: 'dispatch' | 'answer'; complaint: StaffComplaint; error?: string }>();
  const [query, setQuery] = useState('');
  const queries = complaintQueries(me);
  const complaints = useQuery({
    queryKey: ['work-queue', 'complaints', me._id],
    enabled: queries.length > 0,
    queryFn: async () => {
      const lists = await Promise.all(
        queries.map((query) =>
          readAll(async (after) => {
            const { data, error } = await api.GET('/v1/complaints', {
              params: { query: { ...query, limit: 100, after } },
            });
            if (!data) throw new Error(JSON.stringify(error));
            return data;
          }),
        ),
      );
      const unique = new Map(lists.flat().map((c) => [c.id, c]));
      return [...unique.values()]
        .filter((c) => complaintWork(me, c).length > 0)
        .sort((a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'));
    },
  });
  if (queries.length === 0) return null;
  const today = dayjs().format('YYYY-MM-DD');

  const act = async (work: ComplaintWork, c: StaffComplaint, body?: Record<string, unknown>) => {
    const path = { params: { path: { id: c.id } } };
    const holder = session!.holder!;
    const refusal = await step.run(`${work}:${c.id}`, () => {
      switch (work) {
        case 'dispatch':
          return signedWrite(holder, api.POST('/v1/complaints/{id}/dispatch', { ...path, body: body ?? {} }));
        case 'start':
          return signedWrite(holder, api.POST('/v1/complaints/{id}/start', path));
        case 'answer':
          return signedWrite(
            holder,
            api.POST('/v1/complaints/{id}/answer', { ...path, body: { answer: String(body?.answer) } }),
          );
        case 'close':
          return signedWrite(holder, api.POST('/v1/complaints/{id}/close', path));
      }
    });
    if (work === 'dispatch' || work === 'answer')
      setDialog(refusal ? { work, complaint: c, error: refusal } : undefined);
  };

  return (
    <Card title={t('work.complaints.title')} style={{ marginBottom: 16 }}>
      {step.done && <Alert type="success" showIcon title={step.done} style={{ marginBottom: 16 }} />}
      {step.failed && !dialog && <Alert type="error" showIcon title={step.failed} style={{ marginBottom: 16 }} />}
      {/* A citizen who calls gives their tracking number: find it among however many are waiting. */}
      <Input.Search
        allowClear
        aria-label={t('work.complaints.search')}
        placeholder={t('work.complaints.search')}
        onChange={(e) => setQuery(e.target.value)}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      <Table<StaffComplaint>
        rowKey="id"
        size="small"
        loading={complaints.isLoading}
        dataSource={(complaints.data ?? []).filter((c) => matches(query, c.id, c.description, c.location))}
        locale={{ emptyText: t('work.complaints.empty') }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          { title: t('work.complaints.id'), dataIndex: 'id' },
          {
            title: t('work.complaints.category'),
            dataIndex: 'category',
            render: (c: string) => t(`complaintCategory.${c}`),
          },
          { title: t('work.complaints.description'), dataIndex: 'description', ellipsis: true },
          {
            title: t('work.complaints.photo'),
            dataIndex: 'media_url',
            render: (url: string | null) =>
              url ? (
                <a href={new URL(url).pathname} target="_blank" rel="noreferrer">
                  {t('work.complaints.viewPhoto')}
                </a>
              ) : (
                '—'
              ),
          },
          { title: t('work.complaints.place'), dataIndex: 'location' },
          {
            title: t('work.status'),
            dataIndex: 'status',
            render: (s: string, c) => (
              <Tag>
                {t(`complaintStatus.${s}`)}
                {c.assignedUnit ? ` · ${t(`dept.${c.assignedUnit}`)}` : ''}
              </Tag>
            ),
          },
          {
            title: t('work.deadline'),
            dataIndex: 'deadline',
            render: (d: string | null) => {
              if (!d) return '—';
              const state = deadlineState(d, today);
              return (
                <Tag color={DEADLINE_COLOURS[state]}>
                  {dayjs(d).format(i18n.language === 'en' ? 'YYYY-MM-DD' : 'YYYY年M月D日')}
                  {state === 'overdue' ? ` · ${t('work.overdue')}` : ''}
                </Tag>
              );
            },
          },
          {
            title: t('work.action'),
            key: 'action',
            render: (_: unknown, c) => (
              <Space>
                {complaintWork(me, c).map((work) => (
                  <Button
                    key={work}
                    type="primary"
                    loading={step.busy === `${work}:${c.id}`}
                    onClick={() =>
                      work === 'dispatch' || work === 'answer' ? setDialog({ work, complaint: c }) : void act(work, c)
                    }
                  >
                    {t(`work.complaints.${work}`)}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {dialog?.work === 'dispatch' && (
        <DispatchDialog
          complaintId={dialog.complaint.id}
          error={dialog.error}
          busy={step.busy !== undefined}
          onSign={(body) => void act('dispatch', dialog.complaint, body)}
          onCancel={() => setDialog(undefined)}
        />
      )}
      {dialog?.work === 'answer' && (
        <StepDialog
          title={`${t('work.complaints.answer')}：${dialog.complaint.id}`}
          label={t('work.complaints.answerText')}
          min={5}
          max={4000}
          error={dialog.error}
          busy={step.busy !== undefined}
          onSign={(answer) => void act('answer', dialog.complaint, { answer })}
          onCancel={() => setDialog(undefined)}
        />
      )}
    </Card>
  );
}
