import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { RESOURCES } from './resources';

/** The languages of the app: zh-CN first (the default), English second; every string lives in both files. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('luohu.language');
const initial: Language = saved === 'en' ? 'en' : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
  lng: initial,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes
});
dayjs.locale(initial === 'en' ? 'en' : 'zh-cn');

/** Switches the app's language (strings, antd's and dayjs's locales follow) and remembers it on this device. */
export function setLanguage(language: Language): void {
  localStorage.setItem('luohu.language', language);
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  void i18n.changeLanguage(language);
}

export default i18n;
