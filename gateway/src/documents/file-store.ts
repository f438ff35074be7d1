import crypto from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { Schema } from 'mongoose';
import { AppError, PayloadTooLargeError } from '../platform/errors';

/** An uploaded file: content-addressed by its SHA-256, the bytes in GridFS (bucket `uploads`). */
export interface StoredFile {
  _id: string; // sha256
  fileId: string; // the GridFS file's ObjectId (hex)
  size: number;
  contentType: string;
  filename: string | null;
  uploadedBy: string;
  uploadedAt: Date;
}

export { PayloadTooLargeError };

const BUCKET = 'uploads';

/**
 * GridFS with a digest index: the bytes are streamed into GridFS while the SHA-256 is computed, then the digest is
 * claimed in `upload_digests` (unique _id). Whoever claims it first owns the stored copy; a second upload of the same
 * bytes (even a concurrent one) deletes its own copy, so each file is stored once. FerretDB has no transactions,
 * and this needs none: the unique _id is the only arbiter.
 */
export class FileStore {
  private readonly digests: mongoose.Model<StoredFile>;

  constructor(
    private readonly connection: mongoose.Connection,
    readonly maxBytes: number,
  ) {
    this.digests =
      (connection.models.UploadDigest as mongoose.Model<StoredFile>) ??
      connection.model<StoredFile>(
        'UploadDigest',
        new Schema<StoredFile>(
          {
            _id: String,
            fileId: { type: String, required: true },
            size: { type: Number, required: true },
            contentType: { type: String, required: true },
            filename: { type: String, default: null },
            uploadedBy: { type: String, required: true },
            uploadedAt: { type: Date, required: true },
          },
          { collection: 'upload_digests', versionKey: false },
        ),
      );
  }

  private bucket(): mongoose.mongo.GridFSBucket {
    return new mongoose.mongo.GridFSBucket(this.connection.db!, { bucketName: BUCKET });
  }

  /**
   * Streams `source` into GridFS, hashing and counting as it goes. `truncated` lets a multipart parser report that
   * it cut the file at its own limit; such a file is discarded as too large.
   */
  async save(
    source: Readable,
    meta: { contentType: string; filename: string | null; uploadedBy: string },
    truncated: () => boolean = () => false,
  ): Promise<{ file: StoredFile; created: boolean }> {
    const hash = crypto.createHash('sha256');
    let size = 0;
    const max = this.maxBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new PayloadTooLargeError(max));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const bucket = this.bucket();
    const upload = bucket.openUploadStream(`upload-${crypto.randomUUID()}`, {
      metadata: { contentType: meta.contentType, uploadedBy: meta.uploadedBy },
    });
    const discard = () => bucket.delete(upload.id).catch(() => undefined);
    // The source is piped, not put in the pipeline: on refusal it must stay open so that the caller can drain it
    // and answer (a destroyed request socket would reach the client as a reset, not a 413).
    const onSourceError = (err: Error) => meter.destroy(err);
    source.once('error', onSourceError);
    source.pipe(meter);
    try {
      await pipeline(meter, upload);
    } catch (err) {
      source.unpipe(meter);
      await discard();
      throw err;
    } finally {
      source.off('error', onSourceError);
    }
    if (truncated()) {
      await discard();
      throw new PayloadTooLargeError(max);
    }
    if (size === 0) {
      await discard();
      throw new AppError(400, 'invalid_request', 'the file is empty');
    }
    const record: StoredFile = {
      _id: hash.digest('hex'),
      fileId: upload.id.toHexString(),
      size,
      contentType: meta.contentType,
      filename: meta.filename,
      uploadedBy: meta.uploadedBy,
      uploadedAt: new Date(),
    };
    try {
      await this.digests.create(record);
      return { file: record, created: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) {
        await discard();
        throw err;
      }
      await discard(); // the same bytes are already stored
      const existing = await this.find(record._id);
      if (!existing) throw err;
      return { file: existing, created: false };
    }
  }

  async find(sha256: string): Promise<StoredFile | null> {
    return this.digests.findById(sha256).lean<StoredFile>();
  }

  /** Every stored file, streamed in storage order (for reconciliation: one pass, nothing sorted in memory). */
  all(batchSize = 200): AsyncIterable<StoredFile> {
    return this.digests.find({}).lean<StoredFile[]>().cursor({ batchSize });
  }

  open(file: StoredFile): Readable {
    return this.bucket().openDownloadStream(new mongoose.mongo.ObjectId(file.fileId));
  }
}

/** A stored file as the API shows it (ID, SHA-256, size, type, name, uploader, time). */
export const describeFile = (f: StoredFile) => ({
  fileId: f.fileId,
  sha256: f._id,
  size: f.size,
  contentType: f.contentType,
  filename: f.filename,
});
