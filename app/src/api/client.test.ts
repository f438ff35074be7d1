import { afterEach, describe, expect, it, vi } from 'vitest';
import { onBusy, patientFetch } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('a request the gateway is too busy for', () => {
  it('when the gateway answers 503 with Retry-After, then the same request (same Idempotency-Key) is sent again after that time, and the page is told', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const answers = [
      new Response('', { status: 503, headers: { 'retry-after': '2' } }),
      new Response('{}', { status: 201 }),
    ];
    vi.stubGlobal('fetch', async (r: Request) => {
      seen.push(`${r.headers.get('idempotency-key')} ${await r.text()}`);
      return answers.shift()!;
    });
    const told: number[] = [];
    const stop = onBusy((s) => told.push(s));
    const request = new Request('http://x/v1/things', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'idempotency-key': 'k-1' },
    });
    const pending = patientFetch(request);
    await vi.advanceTimersByTimeAsync(2_000);
    const response = await pending;
    stop();
    vi.useRealTimers();
    expect(response.status).toBe(201);
    expect(seen).toEqual(['k-1 {"a":1}', 'k-1 {"a":1}']);
    expect(told).toEqual([2]);
  });
  it('when a 503 has no Retry-After, or a refusal is a 4xx, then it reaches the page at once', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls++;
      return new Response('', { status: calls === 1 ? 503 : 409 });
    });
    expect((await patientFetch(new Request('http://x/a'))).status).toBe(503);
    expect((await patientFetch(new Request('http://x/a'))).status).toBe(409);
    expect(calls).toBe(2);
  });
});
