/**
 * The message catalogues (en, zh-CN) and translation outside React. This module knows neither the
 * store nor React: the store keeps messages as a key and values (`Message`), and the interface
 * translates them when it draws them (`tMsg`, with `useT` from src/ui/useT.ts) — so a language
 * switch translates them too. Text that is a program's output (ipvsadm's stdout) is never
 * translated: it travels as `{ text }`.
 */
import i18next, { type TFunction } from 'i18next'
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

export type Locale = 'en' | 'zh-CN'

export const LOCALES: { id: Locale; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '中文' },
]

/** Every key of a catalogue, dotted (`session.crashed`); a plural's forms count once (`console.omitted`). */
type Keys<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${P}${K extends `${infer B}_${'one' | 'other'}` ? B : K}`
    : Keys<T[K], `${P}${K}.`>
}[keyof T & string]
export type MessageKey = Keys<Messages>

export type MessageValues = Record<string, string | number>

/**
 * A message for the user as the store keeps it: a catalogue key and its values, translated when
 * drawn; or a text to show as it is (a program's words, a file's name, an error from a browser API).
 */
export type Message = { key: MessageKey; values?: MessageValues } | { text: string }

/** Translate outside React (e.g. for aria-live announcements). */
export function tFor(locale: Locale): TFunction {
  return i18next.getFixedT(locale)
}

/** Translate a key known only at run time (e.g. sent by the worker); unknown keys print as themselves. */
export function tDyn(t: TFunction, key: string, values?: Record<string, string | number>): string {
  return (t as unknown as (k: string, v?: Record<string, string | number>) => string)(key, values)
}

/** A stored message in the language of `t`; a text stays as it is. */
export function tMsg(t: TFunction, m: Message): string {
  return 'text' in m ? m.text : tDyn(t, m.key, m.values)
}
