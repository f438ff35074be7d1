import type { Request } from 'express';
import { PayloadTooLargeError } from './errors';

/** A request's raw body, refused (413) as soon as it passes `maxBytes`; the rest is drained, not read into memory. */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
