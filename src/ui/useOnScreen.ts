import { type RefObject, useEffect, useRef } from 'react'
import { wakeLoops } from '../store/index'

/**
 * A ref that tells, without re-rendering, whether the element is on screen (canvas loops skip work
 * when it is not, and sleep). Coming on screen wakes the loops, so a drawing catches up at once.
 */
export function useOnScreen(ref: RefObject<Element | null>): RefObject<boolean> {
  const visible = useRef(true)
  useEffect(() => {
    const el = ref.current
    if (!el || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) visible.current = e.isIntersecting
      if (visible.current) wakeLoops()
    })
    io.observe(el)
    return () => io.disconnect()
  }, [ref])
  return visible
}
