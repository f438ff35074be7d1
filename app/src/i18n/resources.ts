import en from './en.json';
import zhCN from './zh-CN.json';

/** A tree of translated strings. */
export type Strings = { [key: string]: string | Strings };

/**
 * Each workspace keeps its strings in its own pair of files, `areas/<area>.zh-CN.json` and `areas/<area>.en.json`,
 * whose content is `{ "<area>": { … } }`; the common strings stay in zh-CN.json / en.json. All are bundled (no fetch).
 */
const areas = import.meta.glob<Strings>('./areas/*.json', { eager: true, import: 'default' });

function ofLanguage(common: Strings, language: string): Strings {
  const merged: Strings = { ...common };
  for (const [file, strings] of Object.entries(areas)) {
    if (!file.endsWith(`.${language}.json`)) continue;
    for (const [area, tree] of Object.entries(strings)) {
      if (area in merged) throw new Error(`${file}: "${area}" is defined twice`);
      merged[area] = tree;
    }
  }
  return merged;
}

/** Every string of the app in zh-CN (the default) and English. */
export const RESOURCES = { 'zh-CN': ofLanguage(zhCN, 'zh-CN'), en: ofLanguage(en, 'en') };
