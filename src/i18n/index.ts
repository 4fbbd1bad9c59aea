import i18next, { type TFunction } from 'i18next'
import { useMemo } from 'react'
import { type Locale, useLab } from '../store/index'
import en from './en.json'
import zhCN from './zh-CN.json'

/** The message catalogue's shape: zh-CN must have every key en has (checked here, at compile time). */
export type Messages = typeof en
const zh: Messages = zhCN

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages }
  }
}

void i18next.init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
})

export const LOCALES: { id: Locale; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '中文' },
]

/** The translation function for the current locale (kernel tool output is never translated). */
export function useT(): TFunction {
  const locale = useLab((s) => s.locale)
  return useMemo(() => i18next.getFixedT(locale), [locale])
}

/** Translate outside React (e.g. for aria-live announcements). */
export function tFor(locale: Locale): TFunction {
  return i18next.getFixedT(locale)
}

/** Translate a key known only at run time (e.g. sent by the worker); unknown keys print as themselves. */
export function tDyn(t: TFunction, key: string, values?: Record<string, string | number>): string {
  return (t as unknown as (k: string, v?: Record<string, string | number>) => string)(key, values)
}
