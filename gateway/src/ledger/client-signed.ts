import { type Gateway, GatewayError } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos } from '@hyperledger/fabric-protos';
import { creatorOf } from './creator';
import { fabricSignature, verifiesWith } from './ecdsa-signature';
import { fromGatewayError, LedgerError } from './errors';
import type { ClientIdentity, Ledger, Receipt } from './ledger';

/**
 * One step of a transaction whose author holds the key: `bytes` is the whole step for the gateway to keep, and
 * `messageOf(stage, bytes)` what the author signs at it. Fabric's offline signing: the proposal is signed, endorsed,
 * the transaction envelope signed, submitted.
 */
export interface SigningStep {
  transactionId: string;
  bytes: Uint8Array;
}
/** Which step of a transaction the author signs: the proposal, then the transaction envelope. */
export type SigningStage = 'proposal' | 'transaction';

const utf8 = new TextDecoder();

/** A signature that is not an ECDSA signature by the identity's key over the message: nothing is sent. */
export class SignatureRejected extends LedgerError {
  constructor(what: string) {
    super(401, 'signature_invalid', `the ${what} signature does not verify with the certificate's key`);
  }
}

/** The gateway's half of offline signing: it prepares and relays, it never signs. */
export class ClientSignedLedger {
  constructor(private readonly ledger: Ledger) {}

  static transactionIdOf(preparedBytes: Uint8Array): string {
    return gatewayProtos.PreparedTransaction.deserializeBinary(preparedBytes).getTransactionId();
  }

  /**
   * What the author signs at a step (ECDSA P-256 with SHA-256 over these bytes, as WebCrypto and OpenSSL sign): the
   * proposal's bytes, then the transaction envelope's payload.
   */
  static messageOf(stage: SigningStage, bytes: Uint8Array): Uint8Array {
    return stage === 'proposal'
      ? gatewayProtos.ProposedTransaction.deserializeBinary(bytes).getProposal()!.getProposalBytes_asU8()
      : gatewayProtos.PreparedTransaction.deserializeBinary(bytes).getEnvelope()!.getPayload_asU8();
  }

  /** The proposal for the author to sign. */
  propose(
    identity: ClientIdentity,
    namespace: string,
    fn: string,
    args: string[],
    endorsingOrganizations?: string[],
  ): SigningStep {
    const proposal = this.ledger
      .gateway(identity)
      .getNetwork(this.ledger.channel)
      .getContract(this.ledger.chaincode, namespace)
      .newProposal(fn, {
        arguments: args,
        endorsingOrganizations: this.ledger.connections.endorsersFor(endorsingOrganizations),
      });
    return { transactionId: proposal.getTransactionId(), bytes: proposal.getBytes() };
  }

  /**
   * Endorses the signed proposal; returns the transaction envelope for the author to sign, with the chaincode's result.
   * When a bureau's endorsement fails without a chaincode refusal (its chaincode server or peer down), the same signed
   * proposal is endorsed once more here, planned around it (the plan is outside what the author signed), so the
   * author never hears of it; likewise through another peer when the author's bureau's peer is silent (hedging.ts).
   * `asked`: the bureaus the write itself requires (then the plan is not changed).
   */
  async endorse(
    identity: ClientIdentity,
    proposalBytes: Uint8Array,
    signature: Uint8Array,
    asked?: string[],
  ): Promise<SigningStep & { result: string }> {
    const message = ClientSignedLedger.messageOf('proposal', proposalBytes);
    const der = checked(identity, message, signature, 'proposal');
    // Planned when it is sent (outside what the author signed): around bureaus failing now, unless the write asks.
    const endorse = (gateway: Gateway) =>
      gateway
        .newSignedProposal(
          asked ? proposalBytes : replanned(proposalBytes, this.ledger.connections.endorsersFor()),
          der,
        )
        .endorse();
    let rechecked = false;
    for (let attempt = 1; ; attempt++) {
      const endorsed = await this.ledger.connections.hedgeAs('endorse', identity, endorse);
      if (endorsed.ok) {
        const transaction = endorsed.value;
        return {
          transactionId: transaction.getTransactionId(),
          bytes: transaction.getBytes(),
          result: utf8.decode(transaction.getResult()),
        };
      }
      const err = endorsed.error;
      // Noted either way: the author's next proposals are planned around what failed here.
      if (this.ledger.connections.noteFailure(endorsed.gateway, err) && attempt < 2) continue;
      // A refusal is endorsed once more, as planned, once the refusing peers have caught up: it may have been decided
      // on a peer behind the channel (lagging-peers.ts).
      if (!rechecked && (await this.ledger.refusalToRecheck(err))) {
        rechecked = true;
        continue;
      }
      throw err instanceof GatewayError ? fromGatewayError(err) : err;
    }
  }

  /** The signed envelope, ready to send (and to resend after a crash: it carries its signature). */
  signTransaction(identity: ClientIdentity, preparedBytes: Uint8Array, signature: Uint8Array): Uint8Array {
    const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(preparedBytes);
    const envelope = prepared.getEnvelope()!;
    envelope.setSignature(checked(identity, envelope.getPayload_asU8(), signature, 'transaction'));
    return prepared.serializeBinary();
  }

  /** Submits a signed envelope (again) and follows it to its commit. */
  async submit(signedPreparedBytes: Uint8Array): Promise<{ result: string; receipt: Receipt }> {
    const gateway = this.ledger.gateway(creatorOf(signedPreparedBytes));
    const transaction = gateway.newTransaction(signedPreparedBytes);
    return {
      result: utf8.decode(transaction.getResult()),
      receipt: await this.ledger.commit(transaction, true, gateway),
    };
  }
}

/** The same signed proposal with another endorsement plan (none: the peer plans for the chaincode's policy). */
function replanned(proposalBytes: Uint8Array, endorsers: string[] | undefined): Uint8Array {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposalBytes);
  proposed.setEndorsingOrganizationsList(endorsers ?? []);
  return proposed.serializeBinary();
}

/** The signature in Fabric's form, after checking it here: a bad one gets a clear 401 instead of a peer's refusal. */
function checked(identity: ClientIdentity, message: Uint8Array, signature: Uint8Array, what: string): Uint8Array {
  const der = fabricSignature(signature);
  if (!der || !verifiesWith(identity.certificate, message, der)) throw new SignatureRejected(what);
  return der;
}
