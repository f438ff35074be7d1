/**
 * The client library of "every write signed by its author", for the web app, Node scripts and integrators: enroll a key
 * made on the device, sign in by signature, and complete a write's signature steps. Runs in browsers and in Node.
 */
export {
  asksForSignature,
  ClientRequestError,
  completeSignatures,
  enrollKey,
  signIn,
  signInMessage,
  SigningClient,
} from './signing-client';
export type { ClientResponse, KeyHolder } from './signing-client';
export type { CryptoKey } from '../device-client/keys';
