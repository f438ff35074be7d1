/** How many items a work queue reads at most: far more than a person's day, few enough to read in a second. */
export const QUEUE_CAP = 1000;

/**
 * Every item of a paged list (the API's pages are at most 100 and ordered by ID, not by urgency), page after page,
 * up to `cap` items — so a queue never leaves out what comes after the first page.
 */
export async function readAll<T>(
  page: (after: string | undefined) => Promise<{ items: T[]; next: string | null }>,
  cap = QUEUE_CAP,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const p = await page(after);
    items.push(...p.items);
    after = p.next ?? undefined;
  } while (after !== undefined && items.length < cap);
  return items.slice(0, cap);
}
