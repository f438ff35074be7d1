import { ConfigError, loadConfig } from './config';
import { createLogger } from './platform/logger';
import { createServer } from './server';
import { loadCalendar } from './shared/working-days';

/** The gateway process: config (fail fast), server, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`gateway: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  const logger = createLogger(config.logLevel);
  await loadCalendar();
  const gateway = await createServer(config, logger);
  const address = await gateway.start();
  logger.info({ address }, 'gateway listening');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 30_000).unref();
    await gateway.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).stack}\n`);
  process.exit(1);
});
