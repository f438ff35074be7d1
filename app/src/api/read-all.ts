/** How many items a work queue reads at most: far more than a person's day, few enough to read in a second. */
export const QUEUE_CAP = 1000;

/** One page of a list as the API answers it. */
export type ListPage<T> = (after: string | undefined) => Promise<{ items: T[]; next: string | null }>;

/**
 * The pages of a list (the API's pages are at most 100 and ordered by ID, not by urgency), one after another, up to
 * `cap` items — so a queue never leaves out what comes after the first page, and can show each page as it arrives.
 */
export async function* readPages<T>(page: ListPage<T>, cap = QUEUE_CAP): AsyncGenerator<T[]> {
  let read = 0;
  let after: string | undefined;
  do {
    const p = await page(after);
    const items = p.items.slice(0, cap - read);
    read += items.length;
    yield items;
    after = p.next ?? undefined;
  } while (after !== undefined && read < cap);
}

/** Every item of a paged list, up to `cap`, once all its pages are read. */
export async function readAll<T>(page: ListPage<T>, cap = QUEUE_CAP): Promise<T[]> {
  const items: T[] = [];
  for await (const p of readPages(page, cap)) items.push(...p);
  return items;
}
