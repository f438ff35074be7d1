import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/**
 * Chinese text search on FerretDB (no $text): documents keep the jieba tokens of their searchable text, and a query
 * matches documents holding all of its tokens ($all).
 */
const jieba = Jieba.withDict(dict);
const meaningful = (t: string) => /[\p{L}\p{N}]/u.test(t);

/** The distinct search tokens of a text (lower-cased, jieba's search segmentation, punctuation left out). */
export function tokens(text: string): string[] {
  return [
    ...new Set(
      jieba
        .cutForSearch(text.toLowerCase(), true)
        .map((t) => t.trim())
        .filter(meaningful),
    ),
  ];
}
