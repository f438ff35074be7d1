/**
 * @luohu/domain — the one vocabulary of the system, shared by the chaincode (the authority), the gateway and the
 * app: nothing here talks to Fabric, a database or the network, so every side can import it.
 */
export * from './approval';
export * from './bureaus';
export * from './canonical-json';
export * from './complaints';
export * from './connection';
export * from './departments';
export * from './funds';
export * from './monitoring';
export * from './records';
export * from './refusals';
export * from './district';
