import { z } from 'zod';
import { receipt } from '../schemas';

/**
 * Building blocks of the response schemas. JSON carries dates as ISO-8601 strings (mongoose dates included), money
 * as integer fen, ledger times as the transaction's timestamp.
 */
export const instant = z.string().describe('ISO-8601 date-time');
export const dayText = z.string().describe('a date YYYY-MM-DD');
export const hex64 = z.string().describe('64 lower-case hex characters (SHA-256)');
export const money = z.number().int().describe('fen (1/100 yuan)');

/** Who did something on the ledger: the MSP, the identity the chaincode derives from the certificate, its role attribute. */
export const actor = z.strictObject({ mspId: z.string(), id: z.string(), role: z.string().nullable() });

/** What the read model adds to every ledger record: the transaction that wrote the version served. */
export const projected = {
  transactionId: z
    .string()
    .optional()
    .describe('the transaction that wrote this version (read model; absent with ?source=ledger)'),
};

/** A page of a list: the items and the cursor for the next page (pass it as ?after=), null on the last page. */
export const listPage = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), next: z.string().nullable() });

/** A list that is not paged (all items, bounded). */
export const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/**
 * The answer to an anchored write: the operation, its status, the receipt once committed, and `result`, the record
 * the chaincode transaction returned (null or absent while pending, and when it failed).
 */
export const written = <T extends z.ZodType>(result: T) =>
  z.strictObject({
    operationId: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    receipt: receipt.nullable().optional(),
    result: result.nullable().optional(),
  });
