import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Host } from './host'
import {
  AttemptHow,
  decodeAttempts,
  decodeTemplates,
  type Frame,
  type JournalLine,
  LAB_SAMPLE_FIELDS,
  type Reply,
} from './protocol'

import { classroom } from './testScenarios'

function frames(replies: Reply[]): Frame[] {
  return replies.filter((r): r is Frame => r.type === 'frame')
}

/** Play `seconds` of wall time at `speed`, 60 frames a second; every frame seen. */
function play(host: Host, seconds: number, speed: number, listing: string | null = null): Frame[] {
  host.handle({ type: 'speed', speed })
  host.handle({ type: 'play' })
  const out: Frame[] = []
  for (let i = 0; i <= seconds * 60; i++)
    out.push(...frames(host.handle({ type: 'frame', wallMs: i * (1000 / 60), listing, listingFilter: '' })))
  return out
}

describe('the worker host', () => {
  it('loads a scenario paused at 0 with its initial commands run', () => {
    const host = new Host({ now: () => 0 })
    const [loaded] = host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    expect(loaded).toMatchObject({ type: 'loaded', name: 'classroom-ppc', endMs: 600_000 })
    const [f] = frames(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    expect(f).toMatchObject({ nowMs: 0, playing: false })
    expect(f.services?.map((s) => s.label)).toEqual(['TCP 192.168.100.100:80', 'TCP 192.168.100.100:443'])
  })

  it('in debug builds and tests, a broken engine counter pauses the lab with the invariant it broke', () => {
    const host = new Host({ now: () => 0 })
    expect(host.debugChecks).toBe(true)
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    play(host, 2, 30)
    expect(host.handle({ type: 'run', id: 1, line: 'ipvsadm -Ln' }).map((r) => r.type)).toEqual(['ran'])
    const player = (
      host as unknown as {
        run: { player: { sim: { director: { services: { destinations: { activeConns: number }[] }[] } } } }
      }
    ).run.player
    player.sim.director.services[0].destinations[0].activeConns += 1
    const replies = host.handle({ type: 'run', id: 2, line: 'ipvsadm -Ln' })
    expect(replies.map((r) => r.type)).toEqual(['ran', 'error'])
    expect((replies[1] as { message: string }).message).toMatch(
      /^internal error: engine invariant broken \(1\): destination \d+: counters/,
    )
  })

  it('a scenario file as text is parsed in the worker; a broken one is named in the error', () => {
    const host = new Host({ now: () => 0 })
    const text = readFileSync(new URL('../../public/scenarios/classroom-ppc.json', import.meta.url), 'utf8')
    expect(host.handle({ type: 'load', scenario: text, name: 'ppc.json' })[0]).toMatchObject({ type: 'loaded' })
    const [r] = host.handle({ type: 'load', scenario: '{"commands": [', name: 'broken.json' })
    expect(r).toMatchObject({ type: 'error', fatal: false })
    expect((r as { message: string }).message).toMatch(/^broken\.json: not valid JSON: /)
  })

  it('the scenario is exported again only when a command, a load or a reset changed it', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const first = host.handle({ type: 'export-scenario', id: 1 })[0] as { scenario: string | null; version: string }
    expect(typeof first.scenario).toBe('string')
    play(host, 1, 30)
    const same = host.handle({ type: 'export-scenario', id: 2, unlessVersion: first.version })[0]
    expect(same).toMatchObject({ scenario: null, version: first.version })
    host.handle({ type: 'run', id: 3, line: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0' })
    const changed = host.handle({ type: 'export-scenario', id: 4, unlessVersion: first.version })[0] as {
      scenario: string
      version: string
    }
    expect(changed.version).not.toBe(first.version)
    const { midCommands } = JSON.parse(changed.scenario) as { midCommands: { cmd: string }[] }
    expect(midCommands.map((m) => m.cmd)).toEqual(['ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0'])
    // another host (a restarted worker) never answers "unchanged" to the old one's version
    const other = new Host()
    other.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    expect(other.handle({ type: 'export-scenario', id: 5, unlessVersion: first.version })[0]).not.toMatchObject({
      scenario: null,
    })
  })

  it('keepalived.conf of the running table, and an import checked without loading anything', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    host.handle({ type: 'run', id: 1, line: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0' })
    const [conf] = host.handle({ type: 'keepalived-conf', id: 2 }) as { type: string; text: string }[]
    expect(conf.type).toBe('keepalived-conf')
    expect(conf.text).toContain('virtual_server 192.168.100.100 443 {')
    expect(conf.text).toContain('    real_server 192.168.8.101 80 {\n        weight 0\n    }')
    const [bad] = host.handle({
      type: 'import-text',
      id: 3,
      text: 'virtual_server 1.2.3.4 80 {\n lb_algo x\n}\n',
      fileName: '',
    })
    expect(bad).toMatchObject({ type: 'import-text', answer: { ok: false, kind: 'keepalived' } })
    const [good] = host.handle({ type: 'import-text', id: 4, text: conf.text, fileName: 'k.conf' })
    expect(good).toMatchObject({ type: 'import-text', answer: { ok: true, kind: 'keepalived' } })
    // neither loaded anything: the run is the one it was, the typed command still in it
    const again = host.handle({ type: 'export-scenario', id: 5 })[0] as { scenario: string }
    expect(JSON.parse(again.scenario)).toMatchObject({ name: 'classroom-ppc' })
  })

  it('refuses a broken scenario with the path of the bad field, and keeps the loaded one', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const [r] = host.handle({ type: 'load', scenario: { commands: [], until: 'soon' }, name: 'bad' })
    expect(r).toMatchObject({ type: 'error', fatal: false })
    expect((r as { message: string }).message).toMatch(/until/)
    const [f] = frames(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    expect(f.services).not.toBeNull()
  })

  it('paces simulated time to wall time × speed, and sends attempts and templates as deltas', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const fs = play(host, 2, 30)
    const last = fs[fs.length - 1]
    // the test's clock never moves: no frame runs out of budget, 2 s × 30 is reached (to the ms:
    // wall steps of 1000/60 ms add up in floating point, simulated time is whole ms)
    expect(last.nowMs).toBeGreaterThanOrEqual(59_999)
    expect(last.nowMs).toBeLessThanOrEqual(60_000)
    const attempts = fs.flatMap((f) => decodeAttempts(f.attempts))
    const templates = new Set(fs.flatMap((f) => decodeTemplates(f.templates).map((t) => t.id)))
    expect(attempts.length).toBeGreaterThan(20)
    expect(templates.size).toBeGreaterThan(5)
    // the first attempt of a client creates a template; refreshes come later
    const hows = new Set(attempts.map((a) => a.how))
    expect(hows).toContain(AttemptHow.TEMPLATE_NEW)
    expect(hows).toContain(AttemptHow.TEMPLATE_HIT)
  })

  it('runs a typed command at the current time and answers as ipvsadm does', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const [r] = host.handle({ type: 'run', id: 1, line: 'ipvsadm -A -t 192.168.100.100:80 -s rr' })
    expect(r).toMatchObject({ type: 'ran', exit: 255, stderr: 'Service already exists\n' })
    const [ok] = host.handle({ type: 'run', id: 2, line: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -g -w 0' })
    expect(ok).toMatchObject({ exit: 0 })
    const [f] = frames(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    expect(f.services?.[0].destinations.find((d) => d.label === '192.168.8.102:80')?.weight).toBe(0)
  })

  it('seeks back by deterministic replay: the same listing at the same time, typed commands included', () => {
    let wall = 0
    const host = new Host({ now: () => wall })
    host.handle({ type: 'load', scenario: classroom('classroom-pcc'), name: 'pcc' })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    host.handle({ type: 'run', id: 1, line: 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 1' })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    const atMs = frames(host.handle({ type: 'frame', wallMs: 1e6, listing: null, listingFilter: '' }))[0].nowMs
    const before = frames(host.handle({ type: 'frame', wallMs: 2e6, listing: 'ipvsadm -Lnc', listingFilter: '' }))[0]
      .listing
    host.handle({ type: 'seek', toMs: 5000 })
    const mid = frames(host.handle({ type: 'frame', wallMs: 3e6, listing: null, listingFilter: '' }))[0]
    expect(mid.nowMs).toBe(5000)
    host.handle({ type: 'seek', toMs: atMs })
    // the page stopped seeking: the listing comes (from the engine, caught up)
    wall += 1000
    const after = frames(host.handle({ type: 'frame', wallMs: 4e6, listing: 'ipvsadm -Lnc', listingFilter: '' }))[0]
      .listing
    expect(after?.text).toBe(before?.text)
    expect(after?.lines).toBeGreaterThan(3)
  })

  it('applies a script all or nothing: a bad line changes nothing and names the line', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const [bad] = host.handle({
      type: 'apply-script',
      id: 1,
      script:
        '-A -t 192.168.100.100:80 -s rr\n-a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2\n-a -t 192.168.100.100:80 -r 192.168.8.999 -g\n',
    })
    expect(bad).toMatchObject({ type: 'applied', ok: false, line: 3 })
    const [f] = frames(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    expect(f.services).toHaveLength(2)
    const [good] = host.handle({
      type: 'apply-script',
      id: 2,
      script: '-A -t 192.168.100.100:0 -s rr -p 300\n-a -t 192.168.100.100:0 -r 192.168.8.101 -g -w 2\n',
    })
    expect(good).toMatchObject({ ok: true })
    const [g] = frames(host.handle({ type: 'frame', wallMs: 1, listing: null, listingFilter: '' }))
    expect(g.services?.map((s) => s.label)).toEqual(['TCP 192.168.100.100:0'])
  })

  it('explains an attempt: template hit versus scheduler decision', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const fs = play(host, 2, 30)
    let hitSeq = -1
    for (const f of fs)
      decodeAttempts(f.attempts).forEach((a, k) => {
        if (a.how === AttemptHow.TEMPLATE_HIT && hitSeq < 0) hitSeq = f.attemptsFirstSeq + k
      })
    const [why] = host.handle({ type: 'why', id: 1, target: { kind: 'attempt', seq: hitSeq } })
    expect(why.type).toBe('why')
    expect((why as { steps: { key: string }[] }).steps.map((s) => s.key)).toContain('why.attempt.hit')
  })
})

describe('a paused lab does no work', () => {
  it('builds no frame while nothing changes; a command, a seek, a listing asked for, a step each build one', () => {
    let wall = 0
    const host = new Host({ now: () => wall })
    const ask = (h: Host, wallMs: number, listing: string | null = null) => {
      wall = wallMs
      return h.handle({ type: 'frame', wallMs, listing, listingFilter: '' })
    }
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    // the frame that says "paused"
    expect(ask(host, 5000).map((r) => r.type)).toEqual(['frame'])
    const built = host.framesBuilt
    for (let i = 1; i <= 100; i++) expect(ask(host, 5000 + i * 16).map((r) => r.type)).toEqual(['idle'])
    expect(host.framesBuilt).toBe(built)
    // read-only questions change nothing
    host.handle({ type: 'why', id: 1, target: { kind: 'rs', addr: 0, port: 0 } })
    host.handle({ type: 'export-scenario', id: 2 })
    expect(ask(host, 7000)[0].type).toBe('idle')
    const changes: [string, () => void, string | null][] = [
      ['a command', () => host.handle({ type: 'run', id: 3, line: 'ipvsadm -Ln' }), null],
      ['a seek', () => host.handle({ type: 'seek', toMs: 5000 }), null],
      ['a listing asked for', () => {}, 'ipvsadm -Ln'],
      ['a step', () => host.handle({ type: 'step', unit: 'second' }), 'ipvsadm -Ln'],
      ['a speed', () => host.handle({ type: 'speed', speed: 5 }), 'ipvsadm -Ln'],
    ]
    changes.forEach(([what, change, listing], i) => {
      change()
      // (a listing after a seek waits for the page to stop seeking: LISTING_QUIET_MS)
      expect(ask(host, 8000 + 400 * i, listing)[0].type, what).toBe('frame')
      expect(ask(host, 8016 + 400 * i, listing)[0].type, what).toBe('idle')
    })
    expect(host.framesBuilt).toBe(built + changes.length)
    const [f] = frames(host.handle({ type: 'frame', wallMs: 9000, listing: null, listingFilter: '' }))
    // the listing was dropped from the request: a new selection, a new frame, the same time
    expect(f.nowMs).toBe(6000)
  })

  it('playing, every frame request builds a frame', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const before = host.framesBuilt
    expect(play(host, 1, 10)).toHaveLength(61)
    expect(host.framesBuilt - before).toBe(61)
  })
})

describe('time', () => {
  it('a frame stops when its budget is spent on the injected clock: simulated time falls behind', () => {
    let wall = 0
    // every look at the clock costs 3 ms: two slices fit in the budget of 8
    const host = new Host({ now: () => (wall += 3) })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    host.handle({ type: 'speed', speed: 100 })
    host.handle({ type: 'play' })
    host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' })
    const [f] = frames(host.handle({ type: 'frame', wallMs: 100, listing: null, listingFilter: '' }))
    // 100 ms × 100 = 10 s wanted, in slices of 1.25 s: the third look at the clock ends the frame
    expect(f.nowMs).toBe(3750)
  })
})

describe('scripts and exports', () => {
  it('exports the scenario with the typed commands folded in: loading it gives the same run', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    host.handle({ type: 'run', id: 1, line: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0' })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    const at = frames(host.handle({ type: 'frame', wallMs: 1e6, listing: null, listingFilter: '' }))[0].nowMs
    const listing = frames(
      host.handle({ type: 'frame', wallMs: 2e6, listing: 'ipvsadm -Ln --stats', listingFilter: '' }),
    )[0].listing
    const [exp] = host.handle({ type: 'export-scenario', id: 1 })
    const again = new Host({ now: () => 0 })
    again.handle({
      type: 'load',
      scenario: JSON.parse(JSON.stringify((exp as { scenario: unknown }).scenario)),
      name: 'again',
    })
    again.handle({ type: 'seek', toMs: at })
    const l2 = frames(again.handle({ type: 'frame', wallMs: 0, listing: 'ipvsadm -Ln --stats', listingFilter: '' }))[0]
      .listing
    expect(l2?.text).toBe(listing?.text)
  })

  it('a saved session is the scenario as loaded and a journal of typed commands: restoring it gives the same run', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const first = host.handle({ type: 'export-scenario', id: 1, journal: true })[0] as {
      scenario: string
      version: string
      journal: JournalLine[]
    }
    expect(first.journal).toEqual([])
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    host.handle({ type: 'run', id: 2, line: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0' })
    host.handle({ type: 'apply-script', id: 3, script: host.currentScript() })
    play(host, 1, 20)
    host.handle({ type: 'pause' })
    // a typed command: the scenario is unchanged (not sent again), the journal holds the command
    const saved = host.handle({ type: 'export-scenario', id: 4, journal: true, unlessVersion: first.version })[0] as {
      scenario: string | null
      version: string
      journal: JournalLine[]
      atMs: number
    }
    expect(saved.scenario).toBeNull()
    expect(saved.version).toBe(first.version)
    expect(saved.journal.map((j) => j.kind)).toEqual(['run', 'apply'])
    expect(saved.journal[0]).toEqual({
      atMs: 20_000,
      kind: 'run',
      text: 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0',
    })
    const listing = (h: Host, wall: number) =>
      frames(h.handle({ type: 'frame', wallMs: wall, listing: 'ipvsadm -Ln --stats', listingFilter: '' }))[0].listing
        ?.text
    const want = listing(host, 1e6)
    const folded = (host.handle({ type: 'export-scenario', id: 5 })[0] as { scenario: string }).scenario
    // restored: scenario + journal, the same scenario as the one folded by the worker
    const restored = new Host({ now: () => 0 })
    restored.handle({ type: 'load', scenario: first.scenario, name: 'ppc', journal: saved.journal })
    expect((restored.handle({ type: 'export-scenario', id: 6 })[0] as { scenario: string }).scenario).toBe(folded)
    restored.handle({ type: 'seek', toMs: saved.atMs })
    expect(listing(restored, 0)).toBe(want)
    // a reset forgets the journal and starts a new saved scenario
    host.handle({ type: 'reset' })
    const reset = host.handle({ type: 'export-scenario', id: 7, journal: true, unlessVersion: first.version })[0] as {
      scenario: string | null
      journal: JournalLine[]
    }
    expect(reset.scenario).not.toBeNull()
    expect(reset.journal).toEqual([])
  })

  it('frames carry the figures of every whole simulated second, the same at any speed', () => {
    const samplesAt = (speed: number, seconds: number) => {
      const host = new Host({ now: () => 0 })
      host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
      const out: number[] = []
      for (const f of play(host, seconds, speed)) out.push(...f.samples)
      return out.slice(0, 31 * LAB_SAMPLE_FIELDS)
    }
    const slow = samplesAt(10, 4)
    const fast = samplesAt(300, 1)
    // t = 0, 1 s, … 30 s, each once
    expect(slow.filter((_, k) => k % LAB_SAMPLE_FIELDS === 0)).toEqual(Array.from({ length: 31 }, (_, i) => i * 1000))
    expect(fast).toEqual(slow)
    // connections counted by then
    expect(slow[30 * LAB_SAMPLE_FIELDS + 4]).toBeGreaterThan(0)
  })

  it('stepping event by event samples every whole second it passes, once, as playing does', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('classroom-ppc'), name: 'ppc' })
    const times: number[] = []
    let now = 0
    while (now < 20_000) {
      host.handle({ type: 'step', unit: 'event' })
      const [f] = frames(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
      for (let k = 0; k < f.samples.length; k += LAB_SAMPLE_FIELDS) times.push(f.samples[k])
      now = f.nowMs
    }
    const whole = Math.floor(now / 1000)
    expect(times).toEqual(Array.from({ length: whole + 1 }, (_, i) => i * 1000))
  })
})
