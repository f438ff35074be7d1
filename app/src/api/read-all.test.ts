import { describe, expect, it } from 'vitest';
import { readAll, readPages } from './read-all';

/** A list of `n` items served 100 at a time, as the API pages. */
const pagesOf = (n: number) => {
  const all = Array.from({ length: n }, (_, i) => `C-${String(i).padStart(4, '0')}`);
  const asked: (string | undefined)[] = [];
  const page = async (after: string | undefined) => {
    asked.push(after);
    const start = after === undefined ? 0 : all.indexOf(after) + 1;
    const items = all.slice(start, start + 100);
    return { items, next: start + 100 < n ? items[items.length - 1] : null };
  };
  return { all, asked, page };
};

describe('reading every page of a queue', () => {
  it('when the list is longer than a page, then every item is read, the last page included', async () => {
    const { all, asked, page } = pagesOf(250);
    expect(await readAll(page)).toEqual(all);
    expect(asked).toEqual([undefined, 'C-0099', 'C-0199']);
  });

  it('when the list fits one page, then one request is made', async () => {
    const { asked, page } = pagesOf(7);
    expect(await readAll(page)).toHaveLength(7);
    expect(asked).toHaveLength(1);
  });

  it('when the list is longer than the cap, then reading stops at the cap', async () => {
    const { asked, page } = pagesOf(1000);
    expect(await readAll(page, 300)).toHaveLength(300);
    expect(asked).toHaveLength(3);
  });

  it('when pages are read one by one, then each is handed over before the next is asked for, up to the cap', async () => {
    const { asked, page } = pagesOf(250);
    const seen: number[] = [];
    for await (const items of readPages(page, 150)) {
      seen.push(items.length);
      expect(asked).toHaveLength(seen.length); // nothing read ahead of what was shown
    }
    expect(seen).toEqual([100, 50]);
  });
});
