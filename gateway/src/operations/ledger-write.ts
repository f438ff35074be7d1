import type { Role } from '@luohu/domain';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { AppError } from '../platform/errors';

/** One chaincode transaction: the function, its arguments, and the bureaus whose peers must endorse it. */
export interface LedgerCall {
  namespace: string;
  fn: string;
  args: string[];
  endorsingOrganizations?: string[];
}

/**
 * A use case whose effect is one ledger transaction by its actor: who may ask (the gateway's first check; the chaincode
 * decides again from the actor's certificate) and the transaction that carries it out. HTTP routes, MQTT listeners and
 * importers run it through AnchoredWrites, which gives it idempotency, receipts and crash recovery.
 *
 * `call` runs only for a request not seen before (after the Idempotency-Key lookup); a side effect it has (an answer
 * kept off-chain, a seal key, a Merkle item set) must be keyed so that a concurrent first use cannot repeat it.
 */
export interface LedgerWrite<I> {
  /** The roles that may ask, or `user`: any signed-in user, when only the chaincode can tell (e.g. who holds a seal). */
  readonly access: readonly Role[] | 'user';
  readonly call: (input: I, actor: AuthenticatedUser) => LedgerCall | Promise<LedgerCall>;
  /**
   * A committed result that is a refusal (e.g. requestPayout commits an overpayment alert instead of a payout):
   * answered with that error's status and stable body, carrying the operation and receipt of what was committed.
   */
  readonly refusal?: (result: unknown) => AppError | undefined;
  /**
   * A signature its author makes before the transaction exists (a seal over a document's CMS signed attributes), for a
   * caller who holds their own key; for a custodial caller `call` makes it with the key the gateway holds.
   */
  readonly authorStage?: AuthorStage<I>;
}

/**
 * The author's first signature, over bytes that are not yet a transaction: `prepare` gives them (or, for a retry of
 * what is already done, the call straight away) with the state to keep until the signature comes; `complete` turns
 * the signature (DER) into the call.
 */
export interface AuthorStage<I> {
  readonly name: 'seal';
  prepare(input: I, actor: AuthenticatedUser): Promise<{ call: LedgerCall } | { message: Buffer; state: unknown }>;
  complete(state: unknown, signature: Uint8Array, username: string): Promise<LedgerCall>;
}

/** Declares a use case (identity at run time; it gives `input` its type where the use case is written). */
export function ledgerWrite<I>(useCase: LedgerWrite<I>): LedgerWrite<I> {
  return useCase;
}
