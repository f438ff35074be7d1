/** What a client of a network instance needs to reach it; `npm run network -- up` writes it as connection.json. */

/**
 * The connection description `up` writes for the gateway and the tests: every endpoint, TLS root, MSP ID and CA URL.
 * TLS roots are inlined (PEM) so a client needs only this file; the bureau admins' keys stay files in the run dir.
 */
export interface ConnectionDescription {
  channel: string;
  chaincode: string;
  orgs: Array<{
    name: string;
    mspId: string;
    displayName: string;
    tlsRootCert: string;
    peers: Array<{ id: string; endpoint: string; hostnameOverride: string }>;
    ca: { url: string; caName: string; tlsRootCert: string };
    admin: { enrollmentId: string; certFile: string; keyFile: string };
  }>;
  orderers: Array<{ id: string; endpoint: string; tlsRootCert: string }>;
  /**
   * postgresql: the FerretDB backend's own database, for index tuning FerretDB cannot express (GIN on JSON fields).
   * Both URLs carry no password: clients read it from passwordFile (0600) and authenticate as user.
   */
  database: { url: string; backend: string; postgresql?: string; user?: string; passwordFile?: string };
  /** The network's MQTT broker (devices' alerts); absent in descriptions written before the network had one. */
  broker?: { url: string };
}
