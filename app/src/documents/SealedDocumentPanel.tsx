import { lazy, Suspense, useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Steps, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { SEALING_ORDER } from '@luohu/domain';
import { api, signedWrite } from '../api/client';
import { useSession } from '../session/session';
import { refusalOf } from '../work/use-signed-step';

/** PDF.js is large: it loads only when a document is shown. */
const PdfPreview = lazy(() => import('./PdfPreview'));

/**
 * A decided project's 审批决定书: generated from the ledger by a Housing clerk, then sealed by the clerk, signed by a
 * reviewer and issued by the director, each on their own device (the CMS signature over the PDF and the anchoring
 * transaction both signed here). Shows the PDF with its seals and the ledger receipt of the last signature.
 */
export function SealedDocumentPanel({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok?: string; error?: string }>();
  const me = session!.me;
  const document = useQuery({
    queryKey: ['sealed-documents', projectId],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/sealed-documents', { params: { query: { projectId } } });
      if (!data) throw new Error(JSON.stringify(error));
      return data.items.find((x) => x.type === 'approval_decision') ?? null;
    },
  });
  /** The clerk generates the draft from the ledger (idempotent: one document per decision). */
  const generate = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const { error } = await api.POST('/v1/sealed-documents', { body: { type: 'approval_decision', projectId } });
      if (error) return setOutcome({ error: (error as { error?: { message?: string } }).error?.message ?? 'refused' });
      await queryClient.invalidateQueries({ queryKey: ['sealed-documents', projectId] });
    } finally {
      setBusy(false);
    }
  };
  const d = document.data;
  const sha256 = d ? (d.current?.sha256 ?? d.draft.sha256) : undefined;
  const pdf = useQuery({
    queryKey: ['sealed-documents', projectId, 'file', sha256],
    enabled: sha256 !== undefined,
    staleTime: Infinity, // a revision's bytes never change: its name is their SHA-256
    queryFn: async () => {
      const { data } = await api.GET('/v1/uploads/{sha256}', {
        params: { path: { sha256: sha256! } },
        parseAs: 'arrayBuffer',
      });
      if (!data) throw new Error('download refused');
      return data as ArrayBuffer;
    },
  });
  const next = d ? SEALING_ORDER[d.signatures] : undefined;

  const sign = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const answer = await signedWrite(
        session!.holder!,
        api.POST('/v1/sealed-documents/{id}/signatures', { params: { path: { id: d!.id } }, body: {} }),
      );
      if (answer.status !== 201) return setOutcome({ error: refusalOf(answer) });
      const receipt = answer.body.receipt as { transactionId: string; blockNumber: string };
      setOutcome({ ok: t('work.done', { tx: receipt.transactionId.slice(0, 12), block: receipt.blockNumber }) });
      await queryClient.invalidateQueries({ queryKey: ['sealed-documents', projectId] });
    } finally {
      setBusy(false);
    }
  };

  if (document.isSuccess && !d)
    return me.role === 'clerk' ? (
      <Space direction="vertical" style={{ marginBottom: 24 }}>
        <Button loading={busy} onClick={() => void generate()}>
          {t('sealing.generate')}
        </Button>
        {outcome?.error && <Alert type="error" showIcon title={outcome.error} />}
      </Space>
    ) : (
      <Alert type="info" showIcon title={t('sealing.notYet')} style={{ marginBottom: 24 }} />
    );
  return (
    <Card title={d?.title ?? t('sealing.title')} loading={document.isLoading} style={{ marginBottom: 24 }}>
      {document.error && <Alert type="error" showIcon title={document.error.message} />}
      {d && (
        <>
          <Steps
            size="small"
            current={d.signatures}
            items={SEALING_ORDER.map((s) => ({ title: t(`sealing.steps.${s.role}`) }))}
            style={{ marginBottom: 16 }}
          />
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('sealing.documentNo')}>{d.documentNo}</Descriptions.Item>
            <Descriptions.Item label={t('work.status')}>{t(`sealing.status.${d.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('sealing.verify')} span={2}>
              <Typography.Text copyable>{d.verificationUrl}</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Space style={{ marginBottom: 16 }}>
            {next?.role === me.role && (
              <Button type="primary" loading={busy} onClick={() => void sign()}>
                {t(`sealing.sign.${next.role}`)}
              </Button>
            )}
            {next && next.role !== me.role && (
              <Typography.Text type="secondary">
                {t('sealing.awaiting', { role: t(`sealing.steps.${next.role}`) })}
              </Typography.Text>
            )}
          </Space>
          {outcome?.ok && <Alert type="success" showIcon title={outcome.ok} style={{ marginBottom: 16 }} />}
          {outcome?.error && <Alert type="error" showIcon title={outcome.error} style={{ marginBottom: 16 }} />}
          {pdf.data && (
            <Suspense fallback={null}>
              <PdfPreview bytes={pdf.data} label={d.title} />
            </Suspense>
          )}
        </>
      )}
    </Card>
  );
}
