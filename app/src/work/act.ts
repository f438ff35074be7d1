import type { KeyHolder } from '@luohu/client';
import { api, signedWrite } from '../api/client';
import type { WorkAction } from './work-items';

/** What a reasoned action says: approve or reject, and why (none for a pre-review). */
export interface Verdict {
  opinion?: 'approve' | 'reject';
  reason?: string;
}

/** Performs a work-queue action on a project, signed on this device by the person's key; the gateway's last answer. */
export function act(holder: KeyHolder, action: WorkAction, projectId: string, verdict: Verdict) {
  const path = { params: { path: { id: projectId } } };
  switch (action) {
    case 'preReview':
      return signedWrite(holder, api.POST('/v1/projects/{id}/pre-review', path));
    case 'correction':
      return signedWrite(
        holder,
        api.POST('/v1/projects/{id}/correction', { ...path, body: { reason: verdict.reason! } }),
      );
    case 'review':
      return signedWrite(
        holder,
        api.POST('/v1/projects/{id}/reviews', {
          ...path,
          body: { opinion: verdict.opinion!, reason: verdict.reason! },
        }),
      );
    case 'decision':
      return signedWrite(
        holder,
        api.POST('/v1/projects/{id}/decision', {
          ...path,
          body: { decision: verdict.opinion!, reason: verdict.reason! },
        }),
      );
  }
}
