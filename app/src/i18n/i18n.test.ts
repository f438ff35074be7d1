import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

/** Every key path of a resource tree (a.b.c), leaves only. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('translations', () => {
  it('when the Chinese and English resources are compared, then each has every string of the other', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });
  it('when a Chinese string is read, then it is not left in English by mistake (it has CJK characters, or is a name)', () => {
    const untranslated = keys(zhCN).filter((k) => {
      const value = k.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], zhCN) as string;
      return !/[\u4e00-\u9fff]/.test(value) && !['nav.language'].includes(k);
    });
    expect(untranslated).toEqual([]);
  });
});
