/**
 * The store's entry: what the interface imports. The store is split along its concerns (see
 * CONTEXT.md): state and selectors (state.ts), the worker client (channel.ts, client.ts,
 * replies.ts, frames.ts, live.ts), the actions (actions.ts), session persistence (session.ts,
 * sessionStorage.ts), preferences (preferences.ts, remembered.ts) and histories (histories.ts).
 * Panels read with `useLab(selector)` and write only through `actions`.
 */
import { labActions } from './actions'
import { packetsActions } from './packets'
import { preferenceActions } from './preferences'
import { sessionActions } from './session'

export { addrOf, addrPortText, addrText, compareAddrNums, isV6Num } from './addresses'
export { setListingVisible, setScriptWanted } from './channel'
export { connectSender, connectWorker, testHooks } from './client'
export { type FrameLoop, followEvery, frameLoop, wakeLoops } from './frameLoop'
export type { RsLive, RsSummed } from './frames'
export { compareData, HistoryRing, history } from './histories'
export { type AttemptDot, live, type TemplateRow } from './live'
export {
  askPackets,
  attemptOf,
  CHOICES_SHOWN,
  connectionsOf,
  isConnectionLine,
  type PacketsOpen,
  wantedOfAttempt,
  wantedOfListingLine,
} from './packets'
export { applyTheme } from './preferences'
export { remember, remembered } from './remembered'
export { RS_COLOR_SLOTS, type RsColors, rsSlot } from './rsColors'
export { forgetSession, resumeSession, savedSession, saveSession } from './session'
export {
  type CompareRunView,
  type ConsoleLine,
  canDrive,
  type LabState,
  type ListingCmd,
  type Locale,
  type Message,
  type MessageKey,
  type MessageValues,
  midKey,
  msg,
  type SavedSession,
  selectDescription,
  type Theme,
  type TimelineSort,
  undoneByRewind,
  useLab,
  type View,
  verbatim,
} from './state'

/** Every way to change the store: the lab's, the Packets view's, the preferences' and the session's actions. */
export const actions = { ...labActions, ...packetsActions, ...preferenceActions, ...sessionActions }
