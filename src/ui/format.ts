/** Small text helpers for the panels (the engine's own printers stay in the worker). */

export function ip(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`
}

/** The last octet, as people say it in class: `.102`. */
export function shortIp(a: number): string {
  return `.${a & 255}`
}

/** Simulated milliseconds as `123.4 s`, or `12:03` above ten minutes. */
export function clock(ms: number): string {
  const s = ms / 1000
  if (s < 600) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`
}

/**
 * The toolbar's clock: now and the run's end in one format, chosen by the end — seconds for a run
 * under 1,000 s (`74.5 s / 600.0 s`, as lessons and markers speak), minutes above
 * (`2:05.0 / 40:00.0`), hours from ten hours on (`1:02:03 / 87600:00:00`), so the two halves always
 * read alike.
 */
export function clockPair(nowMs: number, endMs: number): [now: string, end: string] {
  if (endMs < 1_000_000) {
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`
    return [sec(nowMs), sec(endMs)]
  }
  if (endMs >= 36_000_000) {
    // ten hours and more (a run of years): hours, minutes and seconds
    const hms = (ms: number) => {
      const t = Math.floor(ms / 1000)
      const mm = String(Math.floor(t / 60) % 60).padStart(2, '0')
      return `${Math.floor(t / 3600)}:${mm}:${String(t % 60).padStart(2, '0')}`
    }
    return [hms(nowMs), hms(endMs)]
  }
  const min = (ms: number) => {
    const tenths = Math.round(ms / 100)
    const m = Math.floor(tenths / 600)
    const rest = (tenths % 600) / 10
    return `${m}:${rest.toFixed(1).padStart(4, '0')}`
  }
  return [min(nowMs), min(endMs)]
}

/** ipvsadm's expire column: mm:ss. */
export function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/** The ipvsadm -e/-d service option for a service label (`TCP 1.2.3.4:80` → `-t 1.2.3.4:80`, `FWM 80` → `-f 80`). */
export function serviceOption(label: string): string {
  const [proto, rest] = label.split(' ')
  return `${proto === 'FWM' ? '-f' : proto === 'UDP' ? '-u' : proto === 'SCTP' ? '--sctp-service' : '-t'} ${rest}`
}

export function forwardOption(forward: string): string {
  return forward === 'Masq' ? '-m' : forward === 'Tunnel' ? '-i' : '-g'
}
