import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';

/** A chaincode event as the read model and live clients see it; its position orders all events of the channel. */
export interface LedgerEvent {
  position: number;
  blockNumber: number;
  transactionId: string;
  type: string;
  ids: Record<string, string>;
  state: Record<string, unknown>;
  related?: Record<string, unknown>;
}

/** Events per block fit in 5 digits (a block holds at most MaxMessageCount = 100 transactions, one event each). */
export const positionOf = (blockNumber: number, index: number) => blockNumber * 100_000 + index;

const utf8 = new TextDecoder();

/** Decodes the chaincode's event envelope; an event of another shape (an older contract's) yields type "unknown". */
export function toLedgerEvent(event: ChaincodeEvent, index: number): LedgerEvent {
  const blockNumber = Number(event.blockNumber);
  const base = { position: positionOf(blockNumber, index), blockNumber, transactionId: event.transactionId };
  try {
    const payload = JSON.parse(utf8.decode(event.payload));
    if (
      typeof payload?.type === 'string' &&
      payload.state &&
      typeof payload.state === 'object' &&
      payload.ids &&
      typeof payload.ids === 'object'
    ) {
      return { ...base, type: payload.type, ids: payload.ids, state: payload.state, related: payload.related };
    }
  } catch {
    // fall through
  }
  return { ...base, type: 'unknown', ids: {}, state: {} };
}
