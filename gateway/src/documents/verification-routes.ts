import type { Request } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError, ValidationError } from '../platform/errors';
import type { RouteTable } from '../platform/routes';
import { sha256 } from '../shared/schemas';
import { PayloadTooLargeError } from './file-store';
import { EVENTS_READER } from '../identity/identity-service';
import { Sealing } from './sealing';
import type { Verification } from './verification';

const byHash = z.strictObject({ sha256 });

/** Verify-by-upload and the verification links printed on sealed documents: public, nothing stored. */
export function verificationRoutes(routes: RouteTable, verification: Verification, sealing: Sealing, maxBytes: number): void {
  const multipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } }).single('file');

  routes.add({
    method: 'post', path: '/verifications', tag: 'verification', access: 'public',
    summary: 'Verify a document: a file (multipart field "file", or the raw bytes as application/pdf) or {"sha256": …}. Answers whether ' +
      'it is anchored (by whom, when, transaction and block; superseded or revoked) and, for a PDF, whether each embedded signature is ' +
      `valid and its certificate a registered seal. PDFs signed elsewhere are checked the same way. At most ${maxBytes} bytes; nothing is stored`,
  }, async ({ req, res }) => {
    const contentType = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (contentType === 'application/json') {
      const parsed = byHash.safeParse(req.body ?? {});
      if (!parsed.success) throw new ValidationError('the request body is not valid', parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })));
      return verification.ofHash(parsed.data.sha256);
    }
    const declared = Number(req.header('content-length') ?? NaN);
    if (declared > maxBytes + 64 * 1024) { res.setHeader('Connection', 'close'); throw new PayloadTooLargeError(maxBytes); }
    const bytes = contentType === 'multipart/form-data' ? await fileOf(multipart, req, res, maxBytes)
      : contentType === 'application/pdf' || contentType === 'application/octet-stream' ? await rawBody(req, maxBytes)
        : undefined;
    if (!bytes) throw new AppError(415, 'unsupported_media_type', 'send multipart/form-data with a "file" field, the raw bytes as application/pdf, or JSON {"sha256": …}');
    if (bytes.length === 0) throw new ValidationError('the file is empty');
    return verification.ofBytes(bytes);
  });

  routes.add({
    method: 'get', path: '/verifications/:sha256', tag: 'verification', access: 'public', params: byHash,
    summary: "A file's verification by its SHA-256: the ledger's record of it, and its signatures when this system holds the file",
  }, async ({ params }) => verification.ofHash(params.sha256));

  routes.add({
    method: 'get', path: '/v/:id', tag: 'verification', access: 'public', params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{20}$/, 'a sealed document ID') }),
    summary: "The QR code's link on a sealed document: the verification of its current signed revision (of the draft while unsigned)",
  }, async ({ params }) => {
    const document = await sealing.get(params.id);
    const head = await sealing.head(EVENTS_READER, document);
    const report = await verification.ofHash(head?.sha256 ?? document.draft.sha256);
    return { document: { id: document._id, title: document.title, documentNo: document.documentNo, record: document.record, status: Sealing.status(head) }, ...report };
  });
}

function fileOf(handler: ReturnType<multer.Multer['single']>, req: Request, res: Parameters<ReturnType<multer.Multer['single']>>[1], maxBytes: number): Promise<Buffer> {
  return new Promise<void>((resolve, reject) => handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()))).then(() => {
    if (!req.file) throw new ValidationError('the multipart body has no file in the field "file"');
    return req.file.buffer;
  }, (err: unknown) => {
    if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError(maxBytes);
    throw new ValidationError(`the multipart body is not valid: ${(err as Error).message} (send exactly one part, the field "file")`);
  });
}

async function rawBody(req: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) { req.resume(); throw new PayloadTooLargeError(maxBytes); }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
