import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509 over the platform's WebCrypto (Node's global `crypto`, or the browser's): PKCS#10 requests and X.509
 * certificates without hand-written ASN.1. No Node module here: the web app's client library runs this too.
 */
// Node's and the DOM's typings of the same WebCrypto object differ: the provider takes either.
x509.cryptoProvider.set(globalThis.crypto as never);

export { x509 };
