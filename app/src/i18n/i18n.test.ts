import { beforeAll, describe, expect, it } from 'vitest';
import { englishStrings, ZH_CN, type Strings } from './resources';

let en: Strings;
const zhCN = ZH_CN;
beforeAll(async () => {
  en = await englishStrings();
});

/** Every string of a resource tree with its key path (a key may hold dots itself: "check.documents.required"). */
function strings(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? strings(v, `${prefix}${k}/`) : [[`${prefix}${k}`, String(v)]],
  ) as [string, string][];
}

describe('translations', () => {
  it('when the Chinese and English resources are compared, then each has every string of the other', () => {
    const keys = (tree: object) =>
      strings(tree)
        .map(([k]) => k)
        .sort();
    expect(keys(en)).toEqual(keys(zhCN));
  });
  it('when a Chinese string is read, then it is not left in English by mistake (it has CJK characters)', () => {
    const untranslated = strings(zhCN).filter(([k, v]) => !/[\u4e00-\u9fff]/.test(v) && k !== 'nav/language');
    expect(untranslated).toEqual([]);
  });
});
