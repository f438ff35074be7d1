import { z } from 'zod';

export const ledgerId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "1-128 letters, digits, '.', '_', ':' or '-'");
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters (SHA-256)');
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
/** Money is integer fen (1/100 yuan), as on the ledger. */
export const fen = z.number().int().positive().max(1e15);
export const reason = z.string().trim().min(2).max(500);

export const page = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: ledgerId.optional(),
});

export const receipt = z.object({
  transactionId: z.string(),
  blockNumber: z.string(),
  validationCode: z.literal('VALID'),
});
export const writeResponse = z.object({
  operationId: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  receipt: receipt.nullable().optional(),
  result: z.unknown().optional(),
});
