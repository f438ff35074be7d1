import { MongoClient } from 'mongodb';

/**
 * Read/write speed of one FerretDB, for comparing with and without authentication side by side:
 * npx tsx network/bench/database-speed.ts MONGO_URL [documents]. Prints inserts/s and find-by-_id p50/p95.
 */
async function main(url: string, count: number): Promise<void> {
  const client = await new MongoClient(url, { maxPoolSize: 10 }).connect();
  const collection = client.db(new URL(url).pathname.slice(1) || 'luohu').collection(`speed_${Date.now()}`);
  const started = Date.now();
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        collection.insertOne({ _id: `d${i + j}` as never, n: i + j, text: 'x'.repeat(200) }),
      ),
    );
  }
  const insertSeconds = (Date.now() - started) / 1000;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await collection.findOne({ _id: `d${(i * 7919) % count}` as never });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.floor(times.length * p)].toFixed(2);
  console.log(
    `${count} inserts (10 in flight): ${(count / insertSeconds).toFixed(0)}/s; find by _id: p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
  );
  await collection.drop();
  await client.close();
}

main(process.argv[2], Number(process.argv[3] ?? 2000)).catch((err) => {
  console.error(err);
  process.exit(1);
});
