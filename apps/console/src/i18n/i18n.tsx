import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { format } from './format';
import { en, zh, type MessageKey } from './messages';

export type Lang = 'zh-CN' | 'en';
const KEY = 'linli.lang';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
}

const Context = createContext<I18n | null>(null);


export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN'));
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const table = lang === 'en' ? en : zh;
    return { lang, setLang, t: (key, vars) => format(table[key], vars) };
  }, [lang, setLang]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** A page's own strings in both languages (the English table typed against the Chinese one). */
export interface PageMessages<K extends string> {
  zh: Record<K, string>;
  en: Record<K, string>;
}

/** Declares a page's strings; they load with the page's chunk, not with the console's first screen. */
export function defineMessages<const Z extends Record<string, string>>(zh: Z, en: Record<keyof Z, string>): PageMessages<Extract<keyof Z, string>> {
  return { zh, en } as PageMessages<Extract<keyof Z, string>>;
}

/** `t()` over a page's own strings, in the current language. */
export function usePageT<K extends string>(messages: PageMessages<K>): (key: K, vars?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return useCallback((key: K, vars?: Record<string, string | number>) => format((lang === 'en' ? messages.en : messages.zh)[key], vars), [lang, messages]);
}
