/**
 * The commands run mid-run (the scenario's, typed, a button's, a lesson's) as markers on the
 * template timeline's time axis: hovering or focusing one shows its commands — when, who, what —
 * and each marker's accessible name says the same.
 */
import { useLayoutEffect, useRef, useState } from 'react'
import { tDyn } from '../i18n/index'
import type { MidRunCommand } from '../worker/protocol'
import type { AxisMark } from './axisMarks'
import { clock } from './format'
import { useT } from './useT'

/** The markers over the axis, and the tooltip of the one under the pointer or the keyboard's focus. */
export function CommandMarks({ marks }: { marks: AxisMark[] }) {
  const t = useT()
  const [hover, setHover] = useState<(AxisMark & { left: number }) | null>(null)
  /** A mid-run command as the axis names it: when, who (translated), the command as it ran. */
  const markText = (m: MidRunCommand) =>
    t('timeline.command', { at: clock(m.atMs), by: tDyn(t, `console.by.${m.by}`), cmd: m.cmd })
  const tipRef = useRef<HTMLDivElement>(null)
  const show = (m: AxisMark) => setHover({ ...m, left: Math.max(0, m.x - 40) })
  // the tooltip stays on screen: measured once drawn (its width depends on the commands and the
  // type size — Presenter's is larger), it is moved left to end at the axis' right edge; wider
  // than the axis, it wraps (CSS max-width)
  useLayoutEffect(() => {
    const tip = tipRef.current
    const box = tip?.offsetParent as HTMLElement | null
    if (!tip || !box || !hover) return
    const left = Math.max(0, Math.min(hover.left, box.clientWidth - tip.offsetWidth))
    tip.style.left = `${left}px`
  }, [hover])
  return (
    <>
      <ul className="axis-marks" aria-label={t('timeline.commands')} data-testid="timeline-marks">
        {marks.map((m) => (
          <li
            key={`${m.commands[0].atMs}/${m.commands[0].cmd}`}
            style={{ left: m.x }}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a marker is reached with Tab to read its commands
            tabIndex={0}
            aria-label={m.commands.map(markText).join('; ')}
            data-testid="timeline-mark"
            onMouseEnter={() => show(m)}
            onMouseLeave={() => setHover(null)}
            onFocus={() => show(m)}
            onBlur={() => setHover(null)}
          >
            <span aria-hidden="true">▼</span>
          </li>
        ))}
      </ul>
      {hover && (
        <div
          ref={tipRef}
          className="tooltip"
          role="tooltip"
          data-testid="timeline-mark-tooltip"
          style={{ top: 28, left: hover.left }}
        >
          {hover.commands.map(markText).join('\n')}
        </div>
      )}
    </>
  )
}
