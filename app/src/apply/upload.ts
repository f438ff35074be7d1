import { completeSignatures, type KeyHolder } from '@luohu/client';
import { sessionToken } from '../api/client';

/** An uploaded application file as the gateway answers it: its SHA-256 and the company it is anchored for. */
export interface UploadedFile {
  sha256: string;
  anchoredFor?: string;
}

/**
 * Uploads a file with progress (XMLHttpRequest: fetch reports no upload progress). For an applicant who holds their key
 * the gateway answers 202 with the anchoring of the file on the ledger to sign: signed here, the answer is the file.
 */
export function uploadFile(
  holder: KeyHolder,
  file: File,
  onProgress: (percent: number) => void,
): Promise<{ status: number; body: UploadedFile & { error?: { message: string } } }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v1/uploads');
    xhr.setRequestHeader('authorization', `Bearer ${sessionToken()}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onload = () => {
      const first = { status: xhr.status, headers: new Headers(), body: JSON.parse(xhr.responseText || 'null') };
      completeSignatures('', holder, first).then((answer) => resolve(answer), reject);
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
