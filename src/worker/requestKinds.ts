/**
 * What the lab host does for each kind of request beyond answering it: which change nothing a
 * frame shows (a paused lab answers the next frame request `idle`), which need the engine where
 * the page is (after a seek answered from the run's history it catches up first), and after which
 * debug builds check the engine's invariants.
 */
import type { Request } from './protocol'

/** Requests that change nothing a frame shows: a paused lab answers the next frame request with `idle`. */
export const READ_ONLY = new Set<Request['type']>([
  'frame',
  'why',
  'script',
  'export-scenario',
  'keepalived-conf',
  'import-text',
  'template-line',
  'probe',
  'fidelity',
  'packets',
])
/**
 * Requests that need the engine where the page is: after a seek answered from the run's history,
 * the engine catches up first (restore a checkpoint, replay the rest).
 */
export const NEEDS_ENGINE = new Set<Request['type']>([
  'play',
  'play-until',
  'step',
  'run',
  'apply-script',
  'why',
  'script',
  'keepalived-conf',
  'template-line',
  'packets',
  'textbook',
])
/**
 * After a seek answered from the history, a listing (which reads the engine) waits this long
 * (wall ms) for the page to stop seeking — a drag of the slider — before the engine catches up.
 */
export const LISTING_QUIET_MS = 300
/** Requests after which debug builds check the engine's invariants. */
export const CHECKED = new Set<Request['type']>(['run', 'apply-script', 'load', 'seek', 'reset', 'step'])
