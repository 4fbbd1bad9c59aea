/**
 * Headless CLI: `npm run --silent sim -- FILE.json` runs a scenario and prints one JSON document
 * shaped like a real-kernel recording. Exit 0 when the file ran; 2 with a one-line reason when the
 * file itself is invalid.
 *
 * `--packets`: print the run's packets instead, hop by hop, one JSON object a line
 * (docs/packets.md). `--pcap FILE`: also write them as a pcap capture (Ethernet) to FILE.
 * `--metrics`: add the teaching figures to the document.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { PcapWriter, parseScenario, runScenario, WALL_CLOCK_EPOCH_MS, Wire } from '../src/engine/index'

const USAGE = 'usage: npm run --silent sim -- FILE.json [--metrics] [--packets] [--pcap OUT.pcap]'

interface Options {
  file: string
  metrics: boolean
  packets: boolean
  pcap: string | null
}

function parseArgs(argv: string[]): Options | string {
  const files: string[] = []
  const o = { metrics: false, packets: false, pcap: null as string | null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--metrics') o.metrics = true
    else if (a === '--packets') o.packets = true
    else if (a === '--pcap' || a.startsWith('--pcap=')) {
      const v = a === '--pcap' ? argv[++i] : a.slice('--pcap='.length)
      if (!v) return `${USAGE} (--pcap needs a file name)`
      o.pcap = v
    } else if (a.startsWith('--')) return `${USAGE} (unknown option ${a})`
    else files.push(a)
  }
  if (files.length !== 1) return USAGE
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
