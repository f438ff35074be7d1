import crypto from 'node:crypto';
import http from 'node:http';
import { answerOf, newRecord, Replicas, untilDefinite } from '../writers';
import type { Workload } from './workload';

/**
 * Each complaint comes from a citizen of its own: a loopback address of its own (127.1.x.y), since the gateway lets one
 * address file 10 complaints an hour (complaints/routes.ts) and the soak's network trusts no proxy to name addresses.
 */
export function citizenAddress(slot: number): string {
  return `127.1.${Math.floor(slot / 250) % 250}.${(slot % 250) + 1}`;
}

/** The tracking number the gateway gives a complaint filed with this Idempotency-Key (complaints/intake.ts). */
export const complaintId = (idempotencyKey: string) =>
  `C-${crypto.createHash('sha256').update(`open311-request\0${idempotencyKey}`).digest('hex').slice(0, 16)}`;

/** A JSON POST sent from `localAddress`: status, headers and parsed body. */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Headers; body: unknown }>((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          try {
            resolve({ status: res.statusCode ?? 0, headers: h, body: text ? JSON.parse(text) : null });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('no answer in 60 s')));
    req.end(payload);
  });
}

/** Citizens' complaints (public Open311 API, no sign-in), each filed with an Idempotency-Key. */
export function complaints(baseUrls: string[], runId: string): Workload {
  return {
    name: 'complaint',
    write: async (slot, giveUpAt) => {
      const key = crypto.randomUUID();
      const id = complaintId(key);
      const from = citizenAddress(slot);
      const record = newRecord('complaint', id, key, { recordKind: 'complaint', key: [id] }, `citizen@${from}`);
      const replicas = new Replicas(baseUrls, slot);
      const body = {
        service_code: 'noise',
        description: `浸泡测试投诉 ${runId} #${slot}：夜间施工噪音`,
        address_string: '罗湖区东门步行街',
      };
      const attempt = async () => {
        const res = await postFrom(from, `${replicas.baseUrl}/v1/open311/requests`, body, { 'Idempotency-Key': key });
        // Open311 answers a list of one request; a refusal is the usual error body.
        // (Its tracking number follows from the key: should the gateway's rule change, the checker finds none at `id`.)
        return answerOf({ ...res, body: Array.isArray(res.body) ? res.body[0] : res.body });
      };
      return [await untilDefinite(record, replicas, attempt, giveUpAt)];
    },
  };
}
