import { stopSharedGateway } from './gateway';

/** Registered before the network's hooks, so the gateway under test stops before the network does. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopSharedGateway();
  },
};
