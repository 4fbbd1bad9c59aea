/**
 * The template log: every persistence template the timeline draws, from the director's events
 * (created, refreshed, re-armed, invalidated, expired). It keeps the latest `memory` templates
 * (the oldest expired ones are forgotten first), sends the rows that changed since the last frame
 * with the refresh ticks, and answers "Why?" about a template. The lab and each compared run keep
 * one.
 */

import type { DirectorIndex } from '../engine/index'
import {
  type Addr,
  type DirectorEvent,
  type DirectorReadApi,
  type EntryReadView,
  formatAddr,
  formatAddrPort,
} from '../engine/index'
import { addrBook } from './addrBook'
import { encodeTemplates, INVALIDATED_VPORT, type TemplateRecord, type WhyStep } from './protocol'
import { RecentRows } from './recentRows'
import { serviceLabel } from './views'

/** At most this many refresh ticks (the newest) travel in one frame. */
export const MAX_REFRESHES_PER_FRAME = 2000

/**
 * Who watches a log's rows (the lab run's history, `runHistory.ts`): the id a template is shown
 * by, and every change of a row, at the simulated time it happened.
 */
export interface TemplateObserver {
  /** The id the `ordinal`-th template of the run is shown by (the same template on every pass). */
  idFor(ordinal: number, engineId: number, now: number): number
  created(row: TemplateRow, now: number): void
  refreshed(row: TemplateRow, now: number): void
  /** Re-armed (every time: its timer changed). */
  rearmed(row: TemplateRow, now: number): void
  invalidated(row: TemplateRow, now: number): void
  expired(row: TemplateRow, now: number): void
  forgotten(row: TemplateRow, now: number): void
}

export interface TemplateRow {
  /** Whose table it is in: the director (0) or, with two, the backup (1). */
  director: DirectorIndex
  /**
   * The id the page knows it by: the id the engine gave it on the run's first pass (an observer's
   * idFor), so that a rewind's replay, whose entries get new engine ids, shows the same rows.
   */
  id: number
  /** The template itself (its timer and n_control are read live). */
  view: EntryReadView
  service: string
  scheduler: string
  client: Addr
  /** The VIP, or a fwmark template's mark. */
  vaddrOrMark: Addr
  vport: number
  rsAddr: Addr
  rsPort: number
  createdAt: number
  firstRearmAt: number
  expiredAt: number
  refreshes: number
  lastRefreshAt: number
  invalidated: boolean
  /** Born from a sync message (on a backup), not by this director's scheduler. */
  synced: boolean
  /** Later sync messages that updated it (each reset its timer), and the last one's time. */
  syncs: number
  lastSyncAt: number
}

export class TemplateLog {
  /** By the id shown (row.id), oldest first. */
  private readonly rows = new Map<number, TemplateRow>()
  /** The engine's entry id → the id shown. */
  private readonly shown = new Map<number, number>()
  /** Templates created since the run began (the next one's ordinal). */
  private created = 0
  private dirty = new Set<number>()
  /** Refresh ticks (template id, time), the newest MAX_REFRESHES_PER_FRAME. */
  private readonly refreshes = new RecentRows(2, MAX_REFRESHES_PER_FRAME)
  private readonly memory: number
  /**
   * The lab's log: invalidated templates travel with port 65535, and each row notes its service
   * and scheduler for "Why?". Compare's mini timelines need neither.
   */
  private readonly explained: boolean

  constructor(memory: number, explained: boolean) {
    this.memory = memory
    this.explained = explained
  }

  clear(): void {
    this.rows.clear()
    this.shown.clear()
    this.created = 0
    this.dirty = new Set()
    this.refreshes.clear()
  }

  /** After a rewind: the next frame carries every row kept and the newest refresh ticks. */
  resend(): void {
    this.dirty = new Set(this.rows.keys())
    this.refreshes.resend()
  }

  /** A row by the id shown. */
  get(id: number): TemplateRow | undefined {
    return this.rows.get(id)
  }

  /** The id shown for the engine's entry `engineId` (itself when the log does not have it). */
  shownId(engineId: number): number {
    return this.shown.get(engineId) ?? engineId
  }

  /** The rows kept, oldest first. */
  values(): IterableIterator<TemplateRow> {
    return this.rows.values()
  }

  private rowOf(engineId: number): TemplateRow | undefined {
    const id = this.shown.get(engineId)
    return id === undefined ? undefined : this.rows.get(id)
  }

  /**
   * Note an event of director `director` (the backup's: 1) at simulated time `now`; the template
   * row it created, if any. Entry ids are unique over the run, so both directors' rows share one map.
   */
  onEvent(
    e: DirectorEvent,
    api: DirectorReadApi,
    now: number,
    observer?: TemplateObserver,
    director: DirectorIndex = 0,
  ): TemplateRow | null {
    switch (e.type) {
      case 'template-created':
        return this.add(api.entry(e.template), now, observer, director)
      case 'template-synced': {
        // a sync message reset its timer (ip_vs_proc_conn()): the deadline the row shows moved
        const row = this.rowOf(e.template.id)
        if (!row) return null
        row.syncs++
        row.lastSyncAt = now
        this.dirty.add(row.id)
        observer?.rearmed(row, now)
        return null
      }
      case 'template-refreshed': {
        const row = this.rowOf(e.template.id)
        if (!row) return null
        row.refreshes++
        row.lastRefreshAt = now
        this.dirty.add(row.id)
        this.refreshes.push(row.id, now)
        observer?.refreshed(row, now)
        return null
      }
      case 'template-rearmed': {
        const row = this.rowOf(e.template.id)
        if (!row) return null
        if (row.firstRearmAt < 0) row.firstRearmAt = now
        observer?.rearmed(row, now)
        this.dirty.add(row.id)
        return null
      }
      case 'template-invalidated': {
        const row = this.rowOf(e.template.id)
        if (!row || !this.explained) return null
        if (!row.invalidated) observer?.invalidated(row, now)
        row.invalidated = true
        this.dirty.add(row.id)
        return null
      }
      case 'template-expired': {
        const row = this.rowOf(e.template.id)
        if (!row) return null
        row.expiredAt = now
        this.dirty.add(row.id)
        observer?.expired(row, now)
        return null
      }
      default:
        return null
    }
  }

  private add(
    t: EntryReadView,
    now: number,
    observer: TemplateObserver | undefined,
    director: DirectorIndex,
  ): TemplateRow {
    if (this.rows.size >= this.memory) {
      // forget the oldest expired template (Map keeps insertion order)
      for (const [id, row] of this.rows)
        if (row.expiredAt >= 0) {
          this.rows.delete(id)
          this.shown.delete(row.view.id)
          observer?.forgotten(row, now)
          break
        }
    }
    const svc = this.explained ? t.service : null
    const ordinal = this.created++
    const row: TemplateRow = {
      director,
      id: observer ? observer.idFor(ordinal, t.id, now) : t.id,
      view: t,
      service: !this.explained
        ? ''
        : svc
          ? serviceLabel(svc)
          : t.fwmark
            ? `FWM ${t.fwmark}`
            : formatAddrPort(t.vaddr, t.vport),
      scheduler: svc?.scheduler ?? '',
      client: t.client,
      vaddrOrMark: t.fwmark ? (t.fwmark as Addr) : t.vaddr,
      vport: t.vport,
      rsAddr: t.rsAddr,
      rsPort: t.rsPort,
      createdAt: t.createdAt,
      firstRearmAt: -1,
      expiredAt: -1,
      refreshes: 0,
      lastRefreshAt: t.createdAt,
      invalidated: false,
      synced: t.synced,
      syncs: 0,
      lastSyncAt: -1,
    }
    this.rows.set(row.id, row)
    this.shown.set(t.id, row.id)
    this.dirty.add(row.id)
    observer?.created(row, now)
    return row
  }

  /** The rows that changed since the last call (protocol rows), and the refresh ticks (pairs). */
  take(): { templates: Float64Array; refreshes: Float64Array } {
    const records: TemplateRecord[] = []
    for (const id of this.dirty) {
      const r = this.rows.get(id)
      if (!r) continue
      records.push({
        id: r.id,
        client: addrBook.encode(r.client),
        vaddrOrMark: addrBook.encode(r.vaddrOrMark),
        vport: r.invalidated ? INVALIDATED_VPORT : r.vport,
        rsAddr: addrBook.encode(r.rsAddr),
        rsPort: r.rsPort,
        createdAt: r.createdAt,
        expiresAt: r.expiredAt >= 0 ? r.expiredAt : r.view.expiresAt,
        firstRearmAt: r.firstRearmAt,
        expiredAt: r.expiredAt,
        director: r.director,
      })
    }
    this.dirty = new Set()
    return { templates: encodeTemplates(records), refreshes: this.refreshes.take().rows }
  }

  /** "Why?" of a template at simulated time `nowMs`: born, refreshed, re-armed, expired or expiring (null: forgotten). */
  why(id: number, nowMs: number): WhyStep[] | null {
    const r = this.rows.get(id)
    if (!r) return null
    const steps: WhyStep[] = []
    const s = (key: string, values: Record<string, string | number> = {}) => steps.push({ key, values })
    const born = {
      client: formatAddr(r.client),
      service: r.service,
      rs: formatAddrPort(r.rsAddr, r.rsPort),
      at: (r.createdAt / 1000).toFixed(1),
      scheduler: r.scheduler,
    }
    if (r.synced) s('why.template.createdBySync', born)
    else s(r.director === 1 ? 'why.template.createdOnBackup' : 'why.template.created', born)
    if (r.syncs > 0) s('why.template.synced', { count: r.syncs, n: r.syncs, last: (r.lastSyncAt / 1000).toFixed(1) })
    s('why.template.refreshed', { count: r.refreshes, n: r.refreshes, last: (r.lastRefreshAt / 1000).toFixed(1) })
    if (r.invalidated) s('why.template.invalidated', {})
    if (r.firstRearmAt >= 0) s('why.template.rearmed', { at: (r.firstRearmAt / 1000).toFixed(1), n: r.view.controlled })
    if (r.expiredAt >= 0) s('why.template.expired', { at: (r.expiredAt / 1000).toFixed(1) })
    else
      s('why.template.expires', {
        in: Math.max(0, Math.round((r.view.expiresAt - nowMs) / 1000)),
        count: r.view.controlled,
        n: r.view.controlled,
      })
    return steps
  }
}
