import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'luohu-gateway' },
    redact: { paths: ['req.headers.authorization', 'password', '*.password', 'privateKey', '*.privateKey'], censor: '[redacted]' },
  });
}
