/**
 * Refreshes the web app's copy of the API document and the types generated from it, from a running gateway:
 * `npm run api:snapshot [-- <gateway URL>]` (default: the developer's system, http://127.0.0.1:<LUOHU_BASE_PORT + 80>).
 * The app's typed client is generated from this document only (no hand-copied types); a network test fails when the
 * copy no longer matches what the gateway serves.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const base = Number(process.env.LUOHU_BASE_PORT || 7000);
  const url = process.argv[2] ?? `http://127.0.0.1:${base + 80}`;
  const res = await fetch(`${url}/openapi.json`);
  if (!res.ok) throw new Error(`GET ${url}/openapi.json: ${res.status}`);
  const api = path.join(__dirname, '..', 'app', 'src', 'api');
  fs.writeFileSync(path.join(api, 'openapi.json'), `${JSON.stringify(await res.json(), null, 2)}\n`);
  execFileSync('npm', ['run', '--silent', 'api:types', '-w', '@luohu/app'], { stdio: 'inherit' });
  process.stderr.write(`app/src/api/openapi.json and schema.d.ts refreshed from ${url}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
