import { common, gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';

const utf8 = new TextDecoder();

/** The identity that created a prepared (signed or to-be-signed) transaction: its envelope's signature header. */
export function creatorOf(preparedBytes: Uint8Array): { mspId: string; certificate: string } {
  const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(preparedBytes);
  const payload = common.Payload.deserializeBinary(prepared.getEnvelope()!.getPayload_asU8());
  const header = common.SignatureHeader.deserializeBinary(payload.getHeader()!.getSignatureHeader_asU8());
  const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
  return { mspId: creator.getMspid(), certificate: utf8.decode(creator.getIdBytes_asU8()) };
}
