/**
 * The translation hook: the interface's language from the store, the catalogues from src/i18n.
 * It lives with the interface so that src/i18n knows neither React nor the store.
 */
import type { TFunction } from 'i18next'
import { useMemo } from 'react'
import { tFor } from '../i18n/index'
import { useLab } from '../store/index'

/** The translation function for the current locale (kernel tool output is never translated). */
export function useT(): TFunction {
  const locale = useLab((s) => s.locale)
  return useMemo(() => tFor(locale), [locale])
}
