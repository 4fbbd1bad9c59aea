import { useEffect, useRef, useState } from 'react'
import {
  actions,
  isConnectionLine,
  type ListingCmd,
  setListingVisible,
  useLab,
  wantedOfListingLine,
} from '../store/index'
import { useT } from './useT'

const LISTINGS: ListingCmd[] = [
  'ipvsadm -Lnc',
  'ipvsadm -Ln --stats',
  'ipvsadm -Ln --rate',
  'ipvsadm -Ln --persistent-conn',
]
const LINE_H = 18.9

/** Live listings, straight from the engine's ipvsadm; long ones are virtualised (only visible lines are in the DOM). */
export function ListingsPanel() {
  const t = useT()
  const cmd = useLab((s) => s.listingCmd)
  const filter = useLab((s) => s.listingFilter)
  const listing = useLab((s) => s.listing)
  // with a backup director, its table too: what `ssh backup ipvsadm -Lnc` prints on the director
  const pair = useLab((s) => s.pair !== null)
  const tabs: ListingCmd[] = pair ? [...LISTINGS, 'ssh backup ipvsadm -Lnc'] : LISTINGS
  const [scrollTop, setScrollTop] = useState(0)
  const ref = useRef<HTMLDivElement>(null)
  // the worker computes the listing only while it can be seen
  useEffect(() => {
    const el = ref.current
    if (!el || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) setListingVisible(e.isIntersecting)
    })
    io.observe(el)
    return () => io.disconnect()
  }, [])
  const lines = listing ? listing.text.replace(/\n$/, '').split('\n') : []
  const height = 470
  const first = Math.max(0, Math.floor(scrollTop / LINE_H) - 5)
  const last = Math.min(lines.length, first + Math.ceil(height / LINE_H) + 10)

  return (
    <section className="panel area-listings" aria-labelledby="listings-h">
      <header>
        <h2 id="listings-h">{t('listings.title')}</h2>
        <p className="what">{t('listings.what')}</p>
      </header>
      {/* the tabs, then the filter beside them: a tablist holds tabs only */}
      <div className="tabs">
        <div className="tabs" role="tablist" aria-label={t('listings.title')}>
          {tabs.map((l) => (
            <button
              key={l}
              type="button"
              role="tab"
              className="btn"
              aria-selected={cmd === l}
              onClick={() => actions.setListing(l)}
              style={{ fontFamily: 'var(--mono)', fontSize: '0.85rem' }}
            >
              {l.replace('ipvsadm ', '')}
            </button>
          ))}
        </div>
        <input
          type="search"
          placeholder={t('listings.filter')}
          aria-label={t('listings.filter')}
          value={filter}
          onChange={(e) => actions.setListingFilter(e.target.value)}
          style={{ marginLeft: 'auto' }}
        />
      </div>
      <p className="what" style={{ fontFamily: 'var(--mono)' }}>
        # {cmd}
        {filter ? ` | grep -i ${filter}` : ''}
        {listing && listing.lines > lines.length
          ? ` — ${t('listings.truncated', { shown: lines.length, total: listing.lines })}`
          : ''}
      </p>
      <div
        className="term listing"
        role="tabpanel"
        aria-label={cmd}
        ref={ref}
        style={{ height }}
        onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
        data-testid="listing"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
      >
        <div style={{ height: lines.length * LINE_H, position: 'relative' }}>
          <div style={{ position: 'absolute', top: first * LINE_H, left: 0, right: 0 }}>
            {lines.slice(first, last).map((l, i) =>
              // a connection's line opens its packets (issue 15)
              cmd === 'ipvsadm -Lnc' && isConnectionLine(l) ? (
                <button
                  // biome-ignore lint/suspicious/noArrayIndexKey: a line's place in the listing is its identity here
                  key={first + i}
                  type="button"
                  className="listing-line"
                  // one tab stop for the whole listing (the region scrolls by keyboard): hundreds of
                  // lines, re-rendered as the region scrolls, must not each take a Tab; the keyboard
                  // opens a connection's packets with P or the director's Packets button
                  tabIndex={-1}
                  style={{ height: LINE_H }}
                  title={t('packets.lineOpen')}
                  data-testid="listing-conn"
                  onClick={() => {
                    const w = wantedOfListingLine(l)
                    if (w) actions.openPackets(w)
                  }}
                >
                  {l}
                </button>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: a line's place in the listing is its identity here
                <div key={first + i} style={{ height: LINE_H }}>
                  {l || ' '}
                </div>
              ),
            )}
          </div>
        </div>
      </div>
    </section>
  )
}
