import { describe, expect, it } from 'vitest'
import { compareWithRecording, type RecordingLike } from './compare'
import { type RunResult, runScenario } from './run'
import { validateScenario } from './schema'

/** A run of the engine, and the same run as a recording would hold it (a deep copy to edit). */
function runAndCopy(input: unknown): { run: RunResult; recording: RecordingLike } {
  const check = validateScenario(input)
  if (!check.ok) throw new Error(check.error)
  const run = runScenario(check.scenario)
  return { run, recording: structuredClone(run) }
}

const VIP = '192.168.100.100'
const tcp = {
  commands: [
    `ipvsadm -A -t ${VIP}:80 -s rr -p 300`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g -w 1`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.102 -g -w 1`,
  ],
  connections: [
    { at: 0, client: '10.0.0.1', clientPort: 40001, proto: 'tcp', vip: VIP, vport: 80, hold: 20 },
    { at: 1, client: '10.0.0.2', clientPort: 40002, proto: 'tcp', vip: VIP, vport: 80, hold: 20 },
  ],
  snapshots: [{ at: 5, cmds: ['ipvsadm -Lnc'] }],
  until: 10,
}
const udp = {
  commands: [`ipvsadm -A -u ${VIP}:53 -s rr -p 10`, `ipvsadm -a -u ${VIP}:53 -r 192.168.8.101 -g -w 1`],
  connections: [
    {
      at: 0,
      client: '10.0.0.1',
      clientPort: 50001,
      proto: 'udp',
      vip: VIP,
      vport: 53,
      hold: 1,
      packets: 3,
      interval: 0.2,
    },
  ],
  until: 5,
}

/** The `-Lnc` listing of the first snapshot, and a way to put an edited one in its place. */
const listing = (r: RecordingLike) => r.snapshots[0].outputs[0].stdout
const withListing = (r: RecordingLike, stdout: string): RecordingLike => {
  const copy = structuredClone(r)
  copy.snapshots[0].outputs[0].stdout = stdout
  return copy
}

describe('comparing a run with a recording', () => {
  it('finds no difference between a run and itself', () => {
    const { run, recording } = runAndCopy(tcp)
    expect(listing(recording)).toMatch(/ESTABLISHED/)
    expect(compareWithRecording(recording, run)).toEqual([])
  })

  it('tolerates an expire 2 s apart in a connection listing, the columns where they were', () => {
    const { run, recording } = runAndCopy(tcp)
    const later = listing(recording).replace(/(\d\d):(\d\d)(\s+ESTABLISHED)/, (_, m, s, rest) => {
      const t = Number(m) * 60 + Number(s) + 2
      return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}${rest}`
    })
    expect(later).not.toBe(listing(recording))
    expect(compareWithRecording(withListing(recording, later), run)).toEqual([])
  })

  it('finds a connection listing whose columns start or end elsewhere, though the line is as long', () => {
    const { run, recording } = runAndCopy(tcp)
    // one space moves from after the source column to before it: same words, same length
    const moved = listing(recording).replace(/ESTABLISHED (10\.0\.0\.1:40001) /, 'ESTABLISHED  $1')
    expect(moved).not.toBe(listing(recording))
    expect(moved.length).toBe(listing(recording).length)
    expect(compareWithRecording(withListing(recording, moved), run).map((m) => m.path)).toEqual([
      'snapshots[0].outputs[0].stdout',
    ])
  })

  it('finds a connection listing whose expire column is narrower (4:59 for 04:59)', () => {
    const { run, recording } = runAndCopy(tcp)
    const narrow = listing(recording).replace(/ 0(\d:\d\d)(\s+ASSURED)/, ' $1$2')
    expect(narrow).not.toBe(listing(recording))
    expect(compareWithRecording(withListing(recording, narrow), run).map((m) => m.path)).toEqual([
      'snapshots[0].outputs[0].stdout',
    ])
  })

  it('finds a run with more connections than the recording', () => {
    const { run, recording } = runAndCopy(tcp)
    recording.connections.pop()
    expect(compareWithRecording(recording, run)).toEqual([
      { path: 'connections', expected: 1, actual: 2, detail: 'extra connections' },
    ])
  })

  it('finds a run with fewer connections than the recording', () => {
    const { run, recording } = runAndCopy(tcp)
    run.connections.pop()
    expect(compareWithRecording(recording, run).map((m) => m.path)).toEqual(['connections[1]'])
  })

  it('finds a run with more datagrams than the recording', () => {
    const { run, recording } = runAndCopy(udp)
    expect(run.connections[0].datagrams?.length).toBe(3)
    recording.connections[0].datagrams?.pop()
    expect(compareWithRecording(recording, run)).toEqual([
      { path: 'connections[0].datagrams', expected: 2, actual: 3, detail: 'extra datagrams' },
    ])
  })
})
