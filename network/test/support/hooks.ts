import { networkCliOk } from './suite-network';

/**
 * Mocha root hooks for every test that needs the network: bring the suite's own network up once before the
 * first test (resuming its data if a previous run left any), and stop it after the last.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(20 * 60_000); // the first run on a fresh machine builds Fabric
    process.stderr.write(
      "starting the test network (npm run network -- up, with the suite's own ports and data dir)…\n",
    );
    await networkCliOk(['up'], true);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (!process.env.LUOHU_TEST_KEEP_NETWORK) await networkCliOk(['down']);
  },
};
