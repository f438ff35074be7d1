// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { hashPhotos, photoBatchId } from './photo-batch';

const photo = (name: string, text: string) => new File([text], name, { type: 'image/jpeg' });

describe('milestone photo batches', () => {
  it('when photos are hashed, then each gets its SHA-256 and progress counts up to all of them', async () => {
    const seen: number[] = [];
    const hashed = await hashPhotos([photo('a.jpg', 'abc'), photo('b.jpg', '')], (n) => seen.push(n));
    expect(seen).toEqual([1, 2]);
    expect(hashed[0]).toEqual({
      name: 'a.jpg',
      size: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(hashed[1].sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('when the same photos are chosen again, then the batch ID is the same; other photos or another order give another', async () => {
    const a = await hashPhotos([photo('a.jpg', 'abc'), photo('b.jpg', 'def')], () => undefined);
    const b = [...a].reverse();
    const id = await photoBatchId('HT-1', 'M1', a);
    expect(id).toMatch(/^PH-HT-1-M1-[0-9a-f]{16}$/);
    expect(await photoBatchId('HT-1', 'M1', a)).toBe(id);
    expect(await photoBatchId('HT-1', 'M1', b)).not.toBe(id);
    expect(await photoBatchId('HT-1', 'M2', a)).not.toBe(id);
  });
});
