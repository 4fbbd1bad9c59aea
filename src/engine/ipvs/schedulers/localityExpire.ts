import { wheelLatenessMs } from '../../sim/timerWheel'

/**
 * The periodic check of lblc/lblcr's cache (ip_vs_lblc.c ip_vs_lblc_check_expire(),
 * ip_vs_lblcr.c ip_vs_lblcr_check_expire(), Linux 6.1.192). A timer armed at init fires every
 * CHECK_EXPIRE_INTERVAL (60 s; re-armed from when it fired, so the wheel's lateness accumulates);
 * every COUNT_FOR_FULL_EXPIRATION-th (30th) fire is the full check (ip_vs_lblc_full_check()),
 * which drops every entry unused for lblc(r)_expiration. The lookup never drops an entry, however
 * old. The other fires collect entries idle for ENTRY_TIMEOUT only while the table holds more
 * than max_size (16 × 1024) entries — the cache is keyed by the packet's destination address
 * (a VIP), so a lab never gets near that: not modelled.
 *
 * Only the scheduler reads the cache, so the fires that fell due are run when it next schedules
 * (`catchUp`), each at its own time: the same entries go as with a timer. The expiration compared
 * is the sysctl's value at that moment, not at each fire.
 */
export const CHECK_EXPIRE_INTERVAL_MS = 60_000
export const COUNT_FOR_FULL_EXPIRATION = 30
/** One period as the timer wheel fires it (a 60 s timer sits on the 2.048 s level). */
export const CHECK_PERIOD_MS = CHECK_EXPIRE_INTERVAL_MS + wheelLatenessMs(CHECK_EXPIRE_INTERVAL_MS)

export interface PeriodicCheck {
  /** When the periodic timer fires next. */
  nextFireMs: number
  /** tbl->counter, 1 at init. */
  counter: number
}

export const newPeriodicCheck = (initMs: number): PeriodicCheck => ({
  nextFireMs: initMs + CHECK_PERIOD_MS,
  counter: 1,
})

/**
 * Runs the fires due by `now`; for each full check, drops the entries of `cache` whose
 * `lastUseMs + expirationMs` is not after that fire.
 */
export function catchUp<K, E extends { lastUseMs: number }>(
  check: PeriodicCheck,
  cache: Map<K, E>,
  now: number,
  expirationMs: number,
): void {
  while (check.nextFireMs <= now) {
    const at = check.nextFireMs
    if (check.counter % COUNT_FOR_FULL_EXPIRATION === 0) {
      for (const [k, en] of cache) if (at >= en.lastUseMs + expirationMs) cache.delete(k)
      check.counter = 1
    } else check.counter++
    check.nextFireMs = at + CHECK_PERIOD_MS
  }
}
