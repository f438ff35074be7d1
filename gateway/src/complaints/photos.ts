import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose from 'mongoose';

/** A citizen's photo may be this large: a phone's JPEG, not a video. */
export const COMPLAINT_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The image types a complaint's photo may be, recognised by their first bytes (never by the declared type or a file
 * name): JPEG, PNG and WebP. Nothing else is kept — no SVG or HTML that a browser would run when staff open it.
 */
export function photoTypeOf(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image/webp';
  return null;
}

/** A stored photo: its digest (the name it is fetched by), type and size. */
export interface ComplaintPhoto {
  sha256: string;
  contentType: string;
  size: number;
}

/**
 * Citizens' photos, kept off-chain beside the complaints' private content (GridFS bucket `complaint_photos`, named
 * by their SHA-256, each stored once): a complaint names its photo by URL, and only someone given that URL (the
 * citizen, the handling staff) can fetch it — the 64-hex name cannot be guessed, and no public list carries it.
 */
export class ComplaintPhotos {
  constructor(private readonly connection: mongoose.Connection) {}

  private bucket() {
    return new mongoose.mongo.GridFSBucket(this.connection.db!, { bucketName: 'complaint_photos' });
  }

  /** Keeps a photo (already checked to be one) and answers its digest; the same bytes again are not stored twice. */
  async save(bytes: Buffer, contentType: string): Promise<ComplaintPhoto> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const photo = { sha256, contentType, size: bytes.length };
    if (await this.find(sha256)) return photo;
    await new Promise<void>((resolve, reject) =>
      this.bucket()
        .openUploadStream(sha256, { metadata: { contentType } })
        .once('error', reject)
        .once('finish', () => resolve())
        .end(bytes),
    );
    return photo;
  }

  async find(sha256: string): Promise<ComplaintPhoto | null> {
    const [file] = await this.bucket().find({ filename: sha256 }).limit(1).toArray();
    return file ? { sha256, contentType: String(file.metadata?.contentType), size: file.length } : null;
  }

  open(sha256: string): Readable {
    return this.bucket().openDownloadStreamByName(sha256);
  }
}
