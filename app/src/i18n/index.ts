import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { englishStrings, ZH_CN } from './resources';

/** The languages of the app: zh-CN first (the default), English second; every string lives in both files. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('luohu.language');

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: ZH_CN } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes
});
dayjs.locale('zh-cn');
if (saved === 'en') void setLanguage('en');

/** Switches the app's language (strings, antd's and dayjs's locales follow) and remembers it on this device. */
export async function setLanguage(language: Language): Promise<void> {
  localStorage.setItem('luohu.language', language);
  if (language === 'en' && !i18n.hasResourceBundle('en', 'translation'))
    i18n.addResourceBundle('en', 'translation', await englishStrings());
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  await i18n.changeLanguage(language);
}

export default i18n;
