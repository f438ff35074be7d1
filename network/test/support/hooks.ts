import { networkCliOk } from './suite-network';

/**
 * Mocha root hooks for every test that needs the network: bring the suite's own network up once before the
 * first test (resuming its data if a previous run left any), and stop it after the last. A test that fails may have
 * left a node it killed down: `up` brings it back, so one failure does not fail every test after it.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(20 * 60_000); // the first run on a fresh machine builds Fabric
    process.stderr.write(
      "starting the test network (npm run network -- up, with the suite's own ports and data dir)…\n",
    );
    await networkCliOk(['up'], true);
  },
  async afterEach(this: Mocha.Context) {
    if (this.currentTest?.state !== 'failed') return;
    this.timeout(5 * 60_000);
    process.stderr.write(`"${this.currentTest.title}" failed: bringing back any node it left down (network up)…\n`);
    await networkCliOk(['up']);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (!process.env.LUOHU_TEST_KEEP_NETWORK) await networkCliOk(['down']);
  },
};
