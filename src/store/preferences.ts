/**
 * Preferences: the interface's language and theme (remembered by this browser), presenter mode,
 * and how the template timeline is filtered and sorted. Changing the language changes only
 * `locale`: every message in the store is a key and values, so it is drawn in the new language.
 */
import type { Locale } from '../i18n/index'
import { LOCALE_KEY, remember, THEME_KEY, type Theme } from './remembered'
import { type TimelineSort, useLab } from './state'

/** The theme as the stylesheet reads it (data-theme on <html>). */
export function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme
}

export const preferenceActions = {
  setLocale(locale: Locale): void {
    remember(LOCALE_KEY, locale)
    useLab.setState({ locale })
  },
  setTheme(theme: Theme): void {
    // on the document first: canvas panels re-read the palette when the state changes
    applyTheme(theme)
    remember(THEME_KEY, theme)
    useLab.setState({ theme })
  },
  setPresenter(on: boolean): void {
    if (typeof document !== 'undefined') document.documentElement.toggleAttribute('data-presenter', on)
    useLab.setState({ presenter: on })
  },
  setTimelineFilter(timelineFilter: string): void {
    useLab.setState({ timelineFilter })
  },
  setTimelineSort(timelineSort: TimelineSort): void {
    useLab.setState({ timelineSort })
  },
}
