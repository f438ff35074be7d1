import { Alert, Button, Card, Descriptions, List, Space, Typography, Upload } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { patientFetch, sessionToken } from '../api/client';
import { recordPath } from './search';
import { ToneTag } from './ToneTag';
import {
  ledgerStatusLines,
  pdfProblemLines,
  signatureLines,
  verdictLine,
  type Line,
  type VerificationReport,
} from './verification';

/** POST /v1/verifications with the file as multipart "file": nothing is stored, the gateway only checks it. */
async function verifyFile(file: File): Promise<VerificationReport> {
  const form = new FormData();
  form.append('file', file, file.name);
  const token = sessionToken();
  const res = await patientFetch(
    new Request('/v1/verifications', {
      method: 'POST',
      body: form,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );
  const body = (await res.json().catch(() => null)) as (VerificationReport & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

const at = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—');

/** Verify-by-upload: is this PDF anchored, by whom and when, still current, and is each embedded signature valid. */
export function VerifyUpload() {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: (file: File) => verifyFile(file) });
  const line = (l: Line) => (
    <ToneTag tone={l.tone}>{t(`audit.verify.${l.key}`, { ...l.values, at: at(l.values?.at ?? null) })}</ToneTag>
  );
  const r = verify.data;
  const ledger = r?.ledger;
  return (
    <Card title={t('audit.verify.title')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('audit.verify.intro')}</Typography.Paragraph>
      <Upload
        accept="application/pdf,.pdf"
        showUploadList={false}
        beforeUpload={(file) => {
          verify.mutate(file);
          return false;
        }}
      >
        <Button type="primary" loading={verify.isPending}>
          {t('audit.verify.choose')}
        </Button>
      </Upload>
      {verify.error && <Alert type="error" showIcon title={verify.error.message} style={{ marginTop: 16 }} />}
      {r && (
        <div style={{ marginTop: 16 }} data-testid="verification">
          <Alert
            type={verdictLine(r).tone}
            showIcon
            title={t(`audit.verify.${verdictLine(r).key}`)}
            description={
              <Typography.Text code style={{ overflowWrap: 'anywhere' }}>
                {verify.variables?.name} · SHA-256 {r.sha256}
              </Typography.Text>
            }
          />
          <Space wrap style={{ margin: '12px 0' }}>
            {ledgerStatusLines(r).map((l) => (
              <span key={l.key}>{line(l)}</span>
            ))}
          </Space>
          {ledger && (
            <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
              <Descriptions.Item label={t('audit.verify.document')}>
                {ledger.title}（
                {t(`audit.verify.documentType.${ledger.documentType}`, { defaultValue: ledger.documentType })}）
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.verify.project')}>
                <Link to={`/projects/${ledger.projectId}`}>{ledger.projectId}</Link>
                {ledger.record && (
                  <>
                    {' · '}
                    <Link to={recordPath('document', r.sha256)}>{t('audit.verify.history')}</Link>
                  </>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.verify.anchoredBy')}>
                {ledger.signer.name}（{ledger.signer.mspId}
                {ledger.signer.role ? ` · ${ledger.signer.role}` : ''}）
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.verify.anchoredAt')}>{at(ledger.anchoredAt)}</Descriptions.Item>
              <Descriptions.Item label={t('audit.transactionId')}>
                <Link to={`/audit/tx/${ledger.transactionId}`}>
                  <Typography.Text code>{ledger.transactionId}</Typography.Text>
                </Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.block')}>
                {ledger.blockNumber ? (
                  <Link to={`/audit/blocks/${ledger.blockNumber}`}>{ledger.blockNumber}</Link>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.verify.version')}>{ledger.version}</Descriptions.Item>
            </Descriptions>
          )}
          {r.pdf && (
            <>
              <Typography.Title level={5}>{t('audit.verify.signatures')}</Typography.Title>
              {r.pdf.signatures.length > 0 && (
                <List
                  size="small"
                  bordered
                  dataSource={signatureLines(r)}
                  renderItem={(s) => (
                    <List.Item>
                      <Space orientation="vertical" size={4}>
                        <Typography.Text strong>
                          {s.field} · {s.signer}
                        </Typography.Text>
                        <Typography.Text>
                          {t('audit.verify.signedAt')}：{at(s.signingTime)}
                        </Typography.Text>
                        <Space wrap>
                          <ToneTag tone={s.valid ? 'success' : 'error'}>
                            {s.valid
                              ? t('audit.verify.signatureValid')
                              : t('audit.verify.signatureInvalid', {
                                  checks: s.failed.map((c) => t(`audit.verify.check.${c}`)).join('、'),
                                })}
                          </ToneTag>
                          {line(s.seal)}
                        </Space>
                      </Space>
                    </List.Item>
                  )}
                />
              )}
              <Space wrap style={{ marginTop: 12 }}>
                {pdfProblemLines(r).map((l, i) => (
                  <span key={i}>{line(l)}</span>
                ))}
              </Space>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
