import type { Request } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError, PayloadTooLargeError, ValidationError } from '../platform/errors';
import { clientAddress, type RateLimit, type RateLimitOptions } from '../platform/rate-limit';
import type { RouteTable } from '../platform/routes';
import { sha256 } from '../shared/schemas';
import { readBody } from '../platform/read-body';
import { EVENTS_READER } from '../identity/identity-service';
import { Sealing } from './sealing';
import type { Verification } from './verification';
import { sealedDocumentVerification, verificationReport } from '../shared/record-schemas';

const byHash = z.strictObject({ sha256 });

/**
 * Per client address, a minute at a time. Checking a file costs a 20 MB upload and a signature check: a clerk or a
 * bank checks a handful at a time, not dozens a minute. Looking a hash up (or following a QR link) costs a ledger query.
 */
export const VERIFICATION_RATE_LIMITS: Record<'uploads' | 'lookups', RateLimitOptions> = {
  uploads: { windowMs: 60_000, max: 30 },
  lookups: { windowMs: 60_000, max: 120 },
};

/** Per-address limits of verify-by-upload: uploads and lookups. */
export interface VerificationLimits {
  uploads: RateLimit;
  lookups: RateLimit;
}

/** Verify-by-upload and the verification links printed on sealed documents: public, rate-limited, nothing stored. */
export function verificationRoutes(
  routes: RouteTable,
  verification: Verification,
  sealing: Sealing,
  maxBytes: number,
  limits: VerificationLimits,
): void {
  const multipart = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 },
  }).single('file');

  routes.add(
    {
      method: 'post',
      path: '/verifications',
      response: verificationReport,
      tag: 'verification',
      access: 'public',
      summary:
        'Verify a document: a file (multipart field "file", or the raw bytes as application/pdf) or {"sha256": …}. Answers whether ' +
        'it is anchored (by whom, when, transaction and block; superseded or revoked) and, for a PDF, whether each embedded signature is ' +
        `valid and its certificate a registered seal. PDFs signed elsewhere are checked the same way. At most ${maxBytes} bytes; nothing is stored. ` +
        `Per client address at most ${VERIFICATION_RATE_LIMITS.uploads.max} files and ${VERIFICATION_RATE_LIMITS.lookups.max} hashes a minute, then 429 with Retry-After`,
    },
    async ({ req, res }) => {
      const contentType = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (contentType === 'application/json') {
        await limits.lookups.take(clientAddress(req));
        const parsed = byHash.safeParse(req.body ?? {});
        if (!parsed.success)
          throw new ValidationError(
            'the request body is not valid',
            parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })),
          );
        return verification.ofHash(parsed.data.sha256);
      }
      const declared = Number(req.header('content-length') ?? NaN);
      if (declared > maxBytes + 64 * 1024) {
        res.setHeader('Connection', 'close');
        throw new PayloadTooLargeError(maxBytes);
      }
      const read =
        contentType === 'multipart/form-data'
          ? () => fileOf(multipart, req, res, maxBytes)
          : contentType === 'application/pdf' || contentType === 'application/octet-stream'
            ? () => readBody(req, maxBytes)
            : undefined;
      if (!read)
        throw new AppError(
          415,
          'unsupported_media_type',
          'send multipart/form-data with a "file" field, the raw bytes as application/pdf, or JSON {"sha256": …}',
        );
      // Counted before the body is read; a refused upload closes the connection rather than reading megabytes to discard.
      await limits.uploads.take(clientAddress(req)).catch((err) => {
        res.setHeader('Connection', 'close');
        throw err;
      });
      const bytes = await read();
      if (bytes.length === 0) throw new ValidationError('the file is empty');
      return verification.ofBytes(bytes);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/verifications/:sha256',
      response: verificationReport,
      tag: 'verification',
      access: 'public',
      params: byHash,
      summary:
        "A file's verification by its SHA-256: the ledger's record of it, and its signatures when this system holds the file (rate-limited per client address)",
    },
    async ({ params, req }) => {
      await limits.lookups.take(clientAddress(req));
      return verification.ofHash(params.sha256);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/v/:id',
      response: sealedDocumentVerification,
      tag: 'verification',
      access: 'public',
      params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{20}$/, 'a sealed document ID') }),
      summary:
        "The QR code's link on a sealed document: the verification of its current signed revision (of the draft while unsigned; rate-limited per client address). " +
        "A browser (Accept preferring text/html) is redirected (303) to the web app's verify page, which reads this same route as JSON",
    },
    async ({ params, req, res }) => {
      // A phone that scanned the QR code wants a page to read; the page asks for JSON.
      if (req.accepts(['application/json', 'text/html']) === 'text/html')
        return res.redirect(303, `/public/verify/${params.id}`);
      await limits.lookups.take(clientAddress(req));
      const document = await sealing.get(params.id);
      const head = await sealing.head(EVENTS_READER, document);
      const report = await verification.ofHash(head?.sha256 ?? document.draft.sha256);
      return {
        document: {
          id: document._id,
          title: document.title,
          documentNo: document.documentNo,
          record: document.record,
          status: Sealing.status(head),
        },
        ...report,
      };
    },
  );
}

function fileOf(
  handler: ReturnType<multer.Multer['single']>,
  req: Request,
  res: Parameters<ReturnType<multer.Multer['single']>>[1],
  maxBytes: number,
): Promise<Buffer> {
  return new Promise<void>((resolve, reject) =>
    handler(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
  ).then(
    () => {
      if (!req.file) throw new ValidationError('the multipart body has no file in the field "file"');
      return req.file.buffer;
    },
    (err: unknown) => {
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError(maxBytes);
      throw new ValidationError(
        `the multipart body is not valid: ${(err as Error).message} (send exactly one part, the field "file")`,
      );
    },
  );
}
