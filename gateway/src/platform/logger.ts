import pino from 'pino';

/** The structured (pino) logger every part of the gateway writes to. */
export type Logger = pino.Logger;

/** The process's logger at `level`, with authorization headers, passwords and private keys redacted from every line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'luohu-gateway' },
    redact: {
      paths: ['req.headers.authorization', 'password', '*.password', 'privateKey', '*.privateKey'],
      censor: '[redacted]',
    },
  });
}
