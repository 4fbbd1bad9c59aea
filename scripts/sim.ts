/**
 * Headless CLI: `npm run --silent sim -- FILE.json` runs a scenario and prints one JSON document
 * shaped like a real-kernel recording. Exit 0 when the file ran; 2 with a one-line reason when the
 * file itself is invalid.
 *
 * `--packets`: print the run's packets instead, hop by hop, one JSON object a line
 * (docs/packets.md). `--pcap FILE`: also write them as a pcap capture (Ethernet) to FILE.
 * `--from S` / `--to S`: only the packets sent in that window of simulated seconds (both ends
 * included; either alone: open on the other side), for `--packets` and `--pcap` alike.
 * `--metrics`: add the teaching figures to the document.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { PcapWriter, parseScenario, runScenario, WALL_CLOCK_EPOCH_MS, Wire } from '../src/engine/index'

const USAGE =
  'usage: npm run --silent sim -- FILE.json [--metrics] [--packets] [--pcap OUT.pcap] [--from SECONDS] [--to SECONDS]'

interface Options {
  file: string
  metrics: boolean
  packets: boolean
  pcap: string | null
  /** The window's ends in simulated ms (null: open). */
  fromMs: number | null
  toMs: number | null
}

function parseArgs(argv: string[]): Options | string {
  const files: string[] = []
  const o = {
    metrics: false,
    packets: false,
    pcap: null as string | null,
    fromMs: null as number | null,
    toMs: null as number | null,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--metrics') o.metrics = true
    else if (a === '--packets') o.packets = true
    else if (a === '--pcap' || a.startsWith('--pcap=')) {
      const v = a === '--pcap' ? argv[++i] : a.slice('--pcap='.length)
      if (!v) return `${USAGE} (--pcap needs a file name)`
      o.pcap = v
    } else if (a === '--from' || a === '--to' || a.startsWith('--from=') || a.startsWith('--to=')) {
      const name = a.split('=')[0]
      const v = a.includes('=') ? a.slice(name.length + 1) : argv[++i]
      const sec = v === undefined || v.trim() === '' ? Number.NaN : Number(v)
      if (!Number.isFinite(sec) || sec < 0)
        return `${USAGE} (${name} needs a number of simulated seconds, 0 or more; got ${v === undefined ? 'nothing' : JSON.stringify(v)})`
      if (name === '--from') o.fromMs = sec * 1000
      else o.toMs = sec * 1000
    } else if (a.startsWith('--')) return `${USAGE} (unknown option ${a})`
    else files.push(a)
  }
  if (files.length !== 1) return USAGE
  if ((o.fromMs !== null || o.toMs !== null) && !o.packets && o.pcap === null)
    return `${USAGE} (--from and --to choose the packets of --packets or --pcap: give one of them)`
  if (o.fromMs !== null && o.toMs !== null && o.toMs < o.fromMs) return `${USAGE} (--to is before --from)`
  return { file: files[0], ...o }
}

function main(argv: string[]): number {
  const opts = parseArgs(argv)
  if (typeof opts === 'string') {
    process.stderr.write(`${opts}\n`)
    return 2
  }
  const { file } = opts
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    process.stderr.write(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
    return 2
  }
  const parsed = parseScenario(text)
  if (!parsed.ok) {
    process.stderr.write(`${file}: ${parsed.error}\n`)
    return 2
  }
  const watch = opts.packets || opts.pcap !== null
  // streamed: a long run's packets are written as they come, never kept
  const wire = watch ? new Wire(undefined, false) : null
  let pcap: { fd: number; writer: PcapWriter } | null = null
  if (opts.pcap !== null) {
    let fd: number
    try {
      fd = openSync(opts.pcap, 'w')
    } catch (e) {
      process.stderr.write(`${opts.pcap}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
      return 2
    }
    pcap = { fd, writer: new PcapWriter((chunk) => writeSync(fd, chunk)) }
  }
  let lastUs = 0
  let lines: string[] = []
  const flushLines = () => {
    if (lines.length > 0) writeSync(1, `${lines.join('\n')}\n`)
    lines = []
  }
  if (wire)
    wire.onPacket = (p, bytes) => {
      if ((opts.fromMs !== null && p.at < opts.fromMs) || (opts.toMs !== null && p.at > opts.toMs)) return
      if (opts.packets) {
        lines.push(JSON.stringify(p))
        if (lines.length >= 1000) flushLines()
      }
      if (pcap) {
        // one microsecond apart within a millisecond, so that the order survives
        lastUs = Math.max((WALL_CLOCK_EPOCH_MS + p.at) * 1000, lastUs + 1)
        pcap.writer.record(lastUs, bytes)
      }
    }
  if (wire)
    wire.onArp = (p, bytes) => {
      if (opts.packets) {
        lines.push(JSON.stringify(p))
        if (lines.length >= 1000) flushLines()
      }
      if (pcap) {
        lastUs = Math.max((WALL_CLOCK_EPOCH_MS + p.at) * 1000, lastUs + 1)
        pcap.writer.record(lastUs, bytes)
      }
    }
  const result = runScenario(parsed.scenario, {
    metrics: opts.metrics,
    setup: wire
      ? (sim) => {
          wire.watch(sim)
        }
      : undefined,
  })
  if (opts.packets) flushLines()
  else process.stdout.write(`${JSON.stringify(result, null, 1)}\n`)
  if (pcap) {
    pcap.writer.flush()
    closeSync(pcap.fd)
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
