import type { IncomingMessage } from 'node:http';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request body exactly as received, for signatures computed over the bytes (bank callbacks). */
    rawBody?: Buffer;
  }
}

/** express.json's verify hook: keep the raw bytes beside the parsed body. */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  req.rawBody = buf;
}
