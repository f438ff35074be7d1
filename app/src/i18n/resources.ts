import zhCNCommon from './zh-CN.json';

/** A tree of translated strings. */
export type Strings = { [key: string]: string | Strings };

/**
 * Each workspace keeps its strings in its own pair of files, `areas/<area>.zh-CN.json` and `areas/<area>.en.json`,
 * whose content is `{ "<area>": { … } }`; the common strings stay in zh-CN.json / en.json. All are bundled (no fetch
 * from elsewhere); Chinese, the default, is in the first page's script, English in a chunk loaded when chosen.
 */
const zhAreas = import.meta.glob<Strings>('./areas/*.zh-CN.json', { eager: true, import: 'default' });
const enAreas = import.meta.glob<Strings>('./areas/*.en.json', { import: 'default' });

function merged(common: Strings, areas: Record<string, Strings>): Strings {
  const all: Strings = { ...common };
  for (const [file, strings] of Object.entries(areas))
    for (const [area, tree] of Object.entries(strings)) {
      if (area in all) throw new Error(`${file}: "${area}" is defined twice`);
      all[area] = tree;
    }
  return all;
}

/** Every string of the app in Chinese (the default language). */
export const ZH_CN: Strings = merged(zhCNCommon, zhAreas);

/** Every string of the app in English, loaded on first use. */
export async function englishStrings(): Promise<Strings> {
  const [common, ...areas] = await Promise.all([
    import('./en.json').then((m) => m.default as Strings),
    ...Object.entries(enAreas).map(async ([file, load]) => [file, await load()] as const),
  ]);
  return merged(common as Strings, Object.fromEntries(areas as (readonly [string, Strings])[]));
}
