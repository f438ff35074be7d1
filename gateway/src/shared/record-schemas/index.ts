/** Response schemas of the API: the ledger records, pages of them, write answers, and the gateway's own views. */
export * from './common';
export * from './ledger-records';
export * from './views';
