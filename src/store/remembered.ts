/**
 * Choices this browser remembers (localStorage), and the language and theme the page opens with.
 * No store state here: the store's initial state reads these, the preference actions write them.
 */
import type { Locale } from '../i18n/index'

export type Theme = 'light' | 'dark'

/** Read a remembered choice; storage may be absent or refuse (private mode, quota). */
export function remembered(key: string): string | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage.getItem(key) : null
  } catch {
    return null
  }
}

export function remember(key: string, value: string): void {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(key, value)
  } catch {
    // quota or privacy mode: the choice is simply not kept
  }
}

export const LOCALE_KEY = 'lab.locale'
export const THEME_KEY = 'lab.theme'

export function initialLocale(): Locale {
  const saved = remembered(LOCALE_KEY)
  if (saved === 'en' || saved === 'zh-CN') return saved
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en'
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export function initialTheme(): Theme {
  const saved = remembered(THEME_KEY)
  if (saved === 'light' || saved === 'dark') return saved
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}
