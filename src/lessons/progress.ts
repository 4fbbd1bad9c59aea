import { remember, remembered } from '../store/remembered'

/** What a student did in each lesson, kept in this browser (localStorage). */
export interface LessonProgress {
  step: number
  /** Per question step: the choice made and whether it was right. */
  answers: Record<number, { choice: number; right: boolean }>
  done: boolean
}

const KEY = 'lab.lessons'

export function loadProgress(): Record<string, LessonProgress> {
  try {
    const raw = remembered(KEY)
    const data: unknown = raw ? JSON.parse(raw) : {}
    return typeof data === 'object' && data !== null ? (data as Record<string, LessonProgress>) : {}
  } catch {
    return {}
  }
}

export function saveProgress(id: string, p: LessonProgress): void {
  const all = loadProgress()
  all[id] = p
  remember(KEY, JSON.stringify(all))
}
