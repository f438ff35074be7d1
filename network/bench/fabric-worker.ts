import crypto from 'node:crypto';
import { connectAs, EnrolledUser, orgByMsp, peerClient, readConnectionDescription } from '../src/client';
import { closedLoop } from './stats';

/**
 * One benchmark client process: submits the minimal anchoring transaction (anchor:anchorBatch) straight through
 * @hyperledger/fabric-gateway in a closed loop, measuring submit → commit (VALID) latency. Prints one JSON line.
 */
async function main(): Promise<void> {
  const [runDir, userFile, concurrency, seconds] = process.argv.slice(2);
  const user: EnrolledUser = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(userFile, 'utf8')));
  const description = readConnectionDescription(runDir);
  const client = peerClient(orgByMsp(description, user.mspId));
  const gateway = connectAs(user, client);
  const contract = gateway.getNetwork(description.channel).getContract(description.chaincode, 'anchor');
  const anchorOnce = async () => {
    const batchId = `bench-${crypto.randomUUID()}`;
    const root = crypto.createHash('sha256').update(batchId).digest('hex');
    const commit = await contract.submitAsync('anchorBatch', { arguments: [batchId, root, '1', 'bench'] });
    const status = await commit.getStatus();
    if (!status.successful) throw new Error(`transaction ${status.transactionId} invalid: code ${status.code}`);
  };
  await closedLoop(Math.min(Number(concurrency), 5), 2, anchorOnce); // warm-up: connections, discovery, JIT
  const result = await closedLoop(Number(concurrency), Number(seconds), anchorOnce);
  process.stdout.write(JSON.stringify(result) + '\n');
  gateway.close();
  client.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
