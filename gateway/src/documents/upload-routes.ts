import type { Request, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import { AppError, NotFoundError, ValidationError } from '../platform/errors';
import type { RouteTable } from '../platform/routes';
import { sha256 } from '../shared/schemas';
import type { Reader } from '../access/read-policy';
import { describeFile, FileStore, PayloadTooLargeError, StoredFile } from './file-store';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** Multipart framing around one file: a body this much larger than the limit cannot hold an acceptable file. */
const MULTIPART_OVERHEAD = 64 * 1024;

const uploadResponse = z.object({
  fileId: z.string(),
  sha256: z.string(),
  size: z.number(),
  contentType: z.string(),
  filename: z.string().nullable(),
  created: z.boolean(),
  anchoredFor: z
    .string()
    .optional()
    .describe(
      "contractor and owner uploads: the company the file is anchored for on the ledger (only then may that company's applications name it)",
    ),
});

/** Roles whose uploads are application files: anchored on the ledger for the uploader's company, with the uploader's key. */
const APPLICANT_ROLES = new Set(['contractor', 'owner']);
/** The route a key-holding applicant's signed anchoring continues on: its last answer is the uploaded file. */
const UPLOAD_ROUTE = 'POST /uploads';

/** The transaction that anchors an applicant's uploaded file for their company (the company is their certificate's). */
const anchorApplicationFileCall = (file: StoredFile) => ({
  namespace: 'approval',
  fn: 'anchorApplicationFile',
  args: [JSON.stringify({ sha256: file._id, size: file.size, contentType: file.contentType })],
});

/** Files (PDFs, photos) into GridFS with their SHA-256; downloads by digest. */
export function uploadRoutes(
  routes: RouteTable,
  store: FileStore,
  { ledger, identities, writes }: Pick<DomainDeps, 'ledger' | 'identities' | 'writes'>,
  mayRead: (user: Reader, file: StoredFile) => Promise<boolean> = async () => true,
): void {
  /**
   * The chaincode accepts in an application only files anchored for the applicant's company, so a hash nobody uploaded
   * cannot pass the automatic check. Anchoring again (the same bytes uploaded twice) is a no-op.
   */
  const anchorForApplicant = async (user: AuthenticatedUser, file: StoredFile): Promise<string | undefined> => {
    if (!APPLICANT_ROLES.has(user.role)) return undefined;
    const { namespace, fn, args } = anchorApplicationFileCall(file);
    try {
      await ledger.submit(await identities.signer(user._id), namespace, fn, args);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'already_exists')) throw err;
    }
    return user.company ?? undefined;
  };

  // A key holder's anchoring committed: the answer is the file, as a custodial applicant's upload answers.
  writes.continuations.set(UPLOAD_ROUTE, async (_userId, outcome, state) => {
    const file = state as { created: boolean };
    return { status: file.created ? 201 : 200, body: { ...file, receipt: outcome.body.receipt ?? null } };
  });

  const multipart = multer({
    storage: gridFsEngine(store),
    defParamCharset: 'utf8', // browsers send 验收报告.pdf as raw UTF-8 in filename="…"
    limits: { fileSize: store.maxBytes, files: 1, fields: 0, parts: 1 },
  }).single('file');

  routes.add(
    {
      method: 'post',
      path: '/uploads',
      tag: 'documents',
      access: 'user',
      status: 201,
      response: uploadResponse,
      summary:
        `Upload a file (multipart field "file", or the raw bytes with their Content-Type), at most ${store.maxBytes} bytes: ` +
        "201 with its SHA-256 when new, 200 when the same bytes were already stored (stored once); a contractor's or owner's upload " +
        "is anchored on the ledger for its company (answered once committed), so that the company's applications may name it; an applicant " +
        'who holds their own key gets 202 with the proposal to sign instead (as for any write), the last signature answering with the anchored file',
    },
    async ({ req, res, user }) => {
      const declared = Number(req.header('content-length') ?? NaN);
      if (declared > store.maxBytes + MULTIPART_OVERHEAD) {
        res.setHeader('Connection', 'close'); // do not read a body we will refuse anyway
        throw new PayloadTooLargeError(store.maxBytes);
      }
      const contentType = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      let saved: { file: StoredFile; created: boolean };
      if (contentType === 'multipart/form-data') {
        saved = await parseMultipart(multipart, req, res, user!._id, store.maxBytes);
      } else {
        if (!MEDIA_TYPE.test(contentType))
          throw new AppError(
            415,
            'unsupported_media_type',
            'send multipart/form-data with a "file" field, or the raw bytes with their Content-Type',
          );
        // express.json() has already consumed JSON bodies: JSON files go as multipart or application/octet-stream.
        if (contentType === 'application/json' || req.readableEnded)
          throw new AppError(
            415,
            'unsupported_media_type',
            'upload JSON files as multipart/form-data or application/octet-stream',
          );
        saved = await store.save(req, { contentType, filename: null, uploadedBy: user!._id }).catch(async (err) => {
          await drain(req);
          throw err;
        });
      }
      const described = { ...describeFile(saved.file), created: saved.created };
      if (APPLICANT_ROLES.has(user!.role) && user!.custody === 'own') {
        // An applicant who holds their key anchors the file themselves: the answer is the proposal to sign (202), and the
        // last signature's answer carries the anchored file. The same file again replays the first anchoring.
        const anchored = { ...described, anchoredFor: user!.company ?? undefined };
        const step = await writes.forAuthors!.start(
          await identities.author(user!._id),
          `application-file:${saved.file._id}`,
          { sha256: saved.file._id },
          anchorApplicationFileCall(saved.file),
          'approval.anchorApplicationFile',
          { route: UPLOAD_ROUTE, state: anchored },
        );
        if ('done' in step) {
          res.status(saved.created ? 201 : 200).json(anchored);
          return undefined;
        }
        res
          .status(202)
          .setHeader('Location', `${req.baseUrl}/transactions/${step.sign.transactionId}/proposal-signature`);
        res.json({ ...step.sign, sha256: saved.file._id });
        return undefined;
      }
      const anchoredFor = await anchorForApplicant(user!, saved.file);
      res.status(saved.created ? 201 : 200).json({ ...described, ...(anchoredFor ? { anchoredFor } : {}) });
      return undefined;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/uploads/:sha256',
      tag: 'documents',
      access: 'user',
      params: z.strictObject({ sha256 }),
      summary: 'Download an uploaded file by its SHA-256 (ETag is the digest)',
    },
    async ({ params, req, res, user }) => {
      const found = await store.find(params.sha256);
      // A file the caller may not read answers like a missing one (access/read-policy.ts).
      const file = found && (await mayRead(user!, found)) ? found : null;
      if (!file) throw new NotFoundError(`no uploaded file has SHA-256 ${params.sha256}`);
      const etag = `"${file._id}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      if (req.header('if-none-match') === etag) {
        res.status(304).end();
        return undefined;
      }
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(file.size));
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${file._id}"${file.filename ? `; filename*=UTF-8''${encodeURIComponent(file.filename)}` : ''}`,
      );
      await new Promise<void>((resolve, reject) => {
        const stream = store.open(file);
        stream.on('error', (err) => {
          if (!res.headersSent) reject(err);
          else {
            res.destroy(err);
            resolve();
          }
        });
        res.on('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(res);
      });
      return undefined;
    },
  );
}

/** A multer storage engine that streams the part into the file store (nothing is buffered in memory or on disk). */
function gridFsEngine(store: FileStore): multer.StorageEngine {
  return {
    _handleFile(req, file, cb) {
      const uploadedBy = (req as Request & { uploader?: string }).uploader ?? 'unknown';
      const contentType = MEDIA_TYPE.test(file.mimetype.toLowerCase())
        ? file.mimetype.toLowerCase()
        : 'application/octet-stream';
      store
        .save(
          file.stream,
          { contentType, filename: file.originalname ? file.originalname.slice(0, 255) : null, uploadedBy },
          () => (file.stream as { truncated?: boolean }).truncated === true,
        )
        .then(
          (saved) => cb(null, { saved } as Partial<Express.Multer.File>),
          (err) => cb(err),
        );
    },
    // Content-addressed files may be shared by other uploads of the same bytes: a refused request removes nothing.
    _removeFile(_req, _file, cb) {
      cb(null);
    },
  };
}

async function parseMultipart(
  handler: ReturnType<multer.Multer['single']>,
  req: Request,
  res: Response,
  uploader: string,
  maxBytes: number,
): Promise<{ file: StoredFile; created: boolean }> {
  (req as Request & { uploader?: string }).uploader = uploader;
  await new Promise<void>((resolve, reject) =>
    handler(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
  ).catch((err: unknown) => {
    if (err instanceof AppError) throw err;
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError(maxBytes);
      throw new ValidationError(
        `the multipart body is not valid: ${err.message} (send exactly one part, the field "file")`,
      );
    }
    throw new ValidationError(`the multipart body is not valid: ${(err as Error).message}`);
  });
  const saved = (req.file as (Express.Multer.File & { saved?: { file: StoredFile; created: boolean } }) | undefined)
    ?.saved;
  if (!saved) throw new ValidationError('the multipart body has no file in the field "file"');
  return saved;
}

/** Reads and drops the rest of a refused body, so that the client gets the answer instead of a broken pipe. */
function drain(req: Request): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve).on('close', resolve).on('error', resolve);
    req.resume();
  });
}
