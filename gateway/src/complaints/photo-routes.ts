import { z } from 'zod';
import { AppError, NotFoundError, PayloadTooLargeError, ValidationError } from '../platform/errors';
import { clientAddress, type RateLimit } from '../platform/rate-limit';
import { readBody } from '../platform/read-body';
import type { RouteTable } from '../platform/routes';
import { sha256 } from '../shared/schemas';
import { COMPLAINT_PHOTO_MAX_BYTES, ComplaintPhotos, photoTypeOf } from './photos';

const photoAnswer = z.strictObject({
  sha256: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  media_url: z.string().describe("the photo's address, for the complaint's media_url"),
});

/**
 * A complaint's optional photo, before the complaint: the citizen sends the image's bytes, gets its address back and
 * files the complaint with it as media_url. Public and rate-limited per address; only JPEG, PNG and WebP are kept.
 */
export function complaintPhotoRoutes(
  routes: RouteTable,
  d: { photos: ComplaintPhotos; rateLimit: RateLimit; publicUrl: string },
): void {
  routes.add(
    {
      method: 'post',
      path: '/open311/photos',
      status: 201,
      response: photoAnswer,
      tag: 'complaints',
      access: 'public',
      summary:
        `A photo for a complaint: the raw bytes of a JPEG, PNG or WebP image (recognised by its content), at most ${COMPLAINT_PHOTO_MAX_BYTES} bytes; ` +
        "answers its address for the complaint's media_url. Rate-limited per client address (429 with Retry-After)",
    },
    async ({ req, res }) => {
      const declared = Number(req.header('content-length') ?? NaN);
      if (declared > COMPLAINT_PHOTO_MAX_BYTES) {
        res.setHeader('Connection', 'close');
        throw new PayloadTooLargeError(COMPLAINT_PHOTO_MAX_BYTES);
      }
      if (!/^image\//i.test(req.header('content-type') ?? ''))
        throw new AppError(
          415,
          'unsupported_media_type',
          'send the photo as its raw bytes with an image/… Content-Type',
        );
      await d.rateLimit.take(clientAddress(req)).catch((err) => {
        res.setHeader('Connection', 'close');
        throw err;
      });
      const bytes = await readBody(req, COMPLAINT_PHOTO_MAX_BYTES);
      if (bytes.length === 0) throw new ValidationError('the photo is empty');
      const type = photoTypeOf(bytes);
      if (!type) throw new AppError(415, 'unsupported_media_type', 'a photo must be a JPEG, PNG or WebP image');
      const photo = await d.photos.save(bytes, type);
      return { ...photo, media_url: `${d.publicUrl}/v1/open311/photos/${photo.sha256}` };
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/open311/photos/:sha256',
      tag: 'complaints',
      access: 'public',
      params: z.strictObject({ sha256 }),
      summary: "A complaint's photo by its SHA-256 (the address POST /open311/photos answered)",
    },
    async ({ params, res }) => {
      const photo = await d.photos.find(params.sha256);
      if (!photo) throw new NotFoundError(`no photo has SHA-256 ${params.sha256}`);
      res.setHeader('Content-Type', photo.contentType);
      res.setHeader('Content-Length', String(photo.size));
      // Shown as an image, never run: no sniffing into another type, no scripts, no framing elsewhere.
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      await new Promise<void>((resolve, reject) =>
        d.photos
          .open(photo.sha256)
          .once('error', reject)
          .pipe(res)
          .once('finish', () => resolve()),
      );
      return undefined;
    },
  );
}
