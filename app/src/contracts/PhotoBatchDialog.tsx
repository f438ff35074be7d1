import { useState } from 'react';
import { Alert, Modal, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClientResponse } from '@luohu/client';
import { api, signedWrite } from '../api/client';
import { useSession } from '../session/session';
import type { Milestone } from './contract-data';
import { hashPhotos, photoBatchId, type HashedPhoto } from './photo-batch';

/**
 * An inspector's site photos for a milestone: hashed here with progress, anchored as one Merkle batch (one ledger
 * transaction for any number of photos), then named by the milestone — both signed on this device. The photos stay
 * with the inspector; each can later be proven part of the batch by its inclusion proof.
 */
export function PhotoBatchDialog(props: {
  contractId: string;
  milestone: Milestone;
  busy: boolean;
  error?: string;
  onSign(write: () => Promise<ClientResponse>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const holder = useSession().session!.holder!;
  const [chosen, setChosen] = useState(0);
  const [hashedCount, setHashedCount] = useState(0);
  const [photos, setPhotos] = useState<HashedPhoto[]>();

  const choose = async (files: File[]) => {
    setPhotos(undefined);
    setChosen(files.length);
    setHashedCount(0);
    if (files.length > 0) setPhotos(await hashPhotos(files, setHashedCount));
  };

  const sign = () =>
    props.onSign(async () => {
      const batchId = await photoBatchId(props.contractId, props.milestone.id, photos!);
      const anchored = await signedWrite(
        holder,
        api.POST('/v1/batch-anchors/items', { body: { batchId, kind: 'photos', items: photos!.map((p) => p.sha256) } }),
      );
      // 409: these photos were anchored before (the same batch ID); naming it is what is left to do.
      if (anchored.status !== 201 && anchored.status !== 409) return anchored;
      return signedWrite(
        holder,
        api.POST('/v1/contracts/{id}/milestones/{milestoneId}/photos', {
          params: { path: { id: props.contractId, milestoneId: props.milestone.id } },
          body: { batchId },
        }),
      );
    });

  return (
    <Modal
      open
      title={t('contracts.photos.title', { milestone: props.milestone.name })}
      okText={t('contracts.photos.sign', { count: photos?.length ?? 0 })}
      cancelText={t('work.cancel')}
      okButtonProps={{ disabled: !photos?.length }}
      confirmLoading={props.busy}
      onOk={sign}
      onCancel={props.onCancel}
    >
      <Typography.Paragraph type="secondary">{t('contracts.photos.intro')}</Typography.Paragraph>
      <label>
        <Typography.Text strong>{t('contracts.photos.choose')}</Typography.Text>
        <br />
        <input
          type="file"
          accept="image/*"
          multiple
          onChange={(e) => void choose([...(e.target.files ?? [])])}
          style={{ marginTop: 8 }}
        />
      </label>
      {chosen > 0 && (
        <div style={{ marginTop: 12 }}>
          <Progress
            percent={Math.round((hashedCount / chosen) * 100)}
            showInfo={false}
            aria-label={t('contracts.photos.hashing')}
          />
          <Typography.Text>{t('contracts.photos.hashed', { done: hashedCount, total: chosen })}</Typography.Text>
        </div>
      )}
      {photos && photos.length > 0 && (
        <ul style={{ maxHeight: 160, overflow: 'auto', paddingLeft: 20 }}>
          {photos.map((p) => (
            <li key={p.sha256 + p.name}>
              {p.name} <Typography.Text code>{p.sha256.slice(0, 16)}…</Typography.Text>
            </li>
          ))}
        </ul>
      )}
      {props.error && <Alert type="error" showIcon title={props.error} />}
    </Modal>
  );
}
