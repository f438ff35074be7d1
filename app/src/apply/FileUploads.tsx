import { useState } from 'react';
import { Alert, Button, List, Progress, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/session';
import { sha256Of } from '../files/sha256';
import { uploadFile } from './upload';

/** One required document's upload: its file name, progress, and its SHA-256 once the gateway agreed on it. */
export interface FileState {
  name: string;
  percent: number;
  sha256?: string;
  error?: string;
}

/** The uploads of a form, by document kind: state and the upload action. */
export function useUploads() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [files, setFiles] = useState<Record<string, FileState>>({});
  const upload = async (kind: string, file: File) => {
    const local = await sha256Of(file);
    setFiles((f) => ({ ...f, [kind]: { name: file.name, percent: 0 } }));
    const res = await uploadFile(session!.holder!, file, (percent) =>
      setFiles((f) => ({ ...f, [kind]: { ...f[kind], percent } })),
    ).catch((err: Error) => ({ status: 0, body: { sha256: '', error: { message: err.message } } }));
    const ok = res.status === 200 || res.status === 201;
    const mismatch = ok && res.body.sha256 !== local;
    setFiles((f) => ({
      ...f,
      [kind]: {
        name: file.name,
        percent: 100,
        sha256: ok && !mismatch ? local : undefined,
        error: mismatch ? t('apply.hashMismatch') : ok ? undefined : res.body.error?.message,
      },
    }));
  };
  /** The uploaded files of these kinds, as an application or a resubmission names them. */
  const uploaded = (kinds: readonly string[]) =>
    kinds.filter((kind) => files[kind]?.sha256).map((kind) => ({ kind, sha256: files[kind].sha256! }));
  return { files, upload, uploaded };
}

/**
 * A list of documents to upload, one button per kind: each upload shows its progress and, once the gateway computed
 * the same, the file's SHA-256 (the applicant signs its anchoring on this device).
 */
export function FileUploads({ kinds, uploads }: { kinds: readonly string[]; uploads: ReturnType<typeof useUploads> }) {
  const { t } = useTranslation();
  const { files, upload } = uploads;
  return (
    <List
      dataSource={[...kinds]}
      renderItem={(kind) => (
        <List.Item>
          <div style={{ width: '100%' }}>
            <Upload
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(kind, file);
                return false;
              }}
            >
              <Button>{t(`fileKind.${kind}`)}</Button>
            </Upload>
            {files[kind] && (
              <div>
                <Progress
                  percent={files[kind].percent}
                  size="small"
                  aria-label={t('apply.progress', { file: files[kind].name })}
                />
                {files[kind].sha256 && (
                  <Typography.Text code>
                    {files[kind].name} · SHA-256 {files[kind].sha256}
                  </Typography.Text>
                )}
                {files[kind].error && <Alert type="error" showIcon title={files[kind].error} />}
              </div>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}
