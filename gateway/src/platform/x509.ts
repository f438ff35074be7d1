import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs it loaded first
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** @peculiar/x509 over Node's WebCrypto: PKCS#10 requests and X.509 certificates without hand-written ASN.1. */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
