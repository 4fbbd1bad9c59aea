/**
 * The classic libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html), what
 * `tcpdump -w` writes and Wireshark and `tcpdump -r` read. No npm library fits (the `pcap`
 * package binds the C libpcap and cannot run in a browser; `pcap-parser` only reads), so the few
 * fields are written here. All numbers little-endian (the magic tells readers the byte order):
 *
 * File header, 24 bytes: magic 0xa1b2c3d4 (microsecond timestamps), version 2.4, thiszone 0,
 * sigfigs 0, snaplen 262144, network 1 (LINKTYPE_ETHERNET).
 * Each record: ts_sec, ts_usec, incl_len, orig_len (16 bytes), then the frame's bytes (no FCS).
 */

export const PCAP_MAGIC_US = 0xa1b2c3d4
export const LINKTYPE_ETHERNET = 1
export const PCAP_SNAPLEN = 262144

export interface PcapRecord {
  /** Microseconds since the epoch (the lab's clock: simulated time from its wall-clock epoch). */
  timeUs: number
  bytes: Uint8Array
}

/** The 24-byte global header at the start of `v`: microsecond magic, version 2.4, no time zone or accuracy, the snap length, Ethernet. */
function writeGlobalHeader(v: DataView): void {
  v.setUint32(0, PCAP_MAGIC_US, true)
  v.setUint16(4, 2, true)
  v.setUint16(6, 4, true)
  v.setInt32(8, 0, true)
  v.setUint32(12, 0, true)
  v.setUint32(16, PCAP_SNAPLEN, true)
  v.setUint32(20, LINKTYPE_ETHERNET, true)
}

/**
 * A pcap file written as it goes (a long run's capture never sits in memory): frames are copied
 * into a buffer handed to `write` whenever it fills, and by flush().
 */
export class PcapWriter {
  private buf = new Uint8Array(1 << 20)
  private view = new DataView(this.buf.buffer)
  private at = 0
  private readonly write: (chunk: Uint8Array) => void

  constructor(write: (chunk: Uint8Array) => void) {
    this.write = write
    const v = this.view
    writeGlobalHeader(v)
    this.at = 24
  }

  record(timeUs: number, bytes: Uint8Array): void {
    const need = 16 + bytes.length
    if (this.at + need > this.buf.length) {
      this.flush()
      if (need > this.buf.length) {
        this.buf = new Uint8Array(need)
        this.view = new DataView(this.buf.buffer)
      }
    }
    const sec = Math.floor(timeUs / 1e6)
    const v = this.view
    v.setUint32(this.at, sec, true)
    v.setUint32(this.at + 4, timeUs - sec * 1e6, true)
    v.setUint32(this.at + 8, bytes.length, true)
    v.setUint32(this.at + 12, bytes.length, true)
    this.buf.set(bytes, this.at + 16)
    this.at += need
  }

  flush(): void {
    if (this.at > 0) this.write(this.buf.slice(0, this.at))
    this.at = 0
  }
}

/** A whole pcap file. */
export function writePcap(records: readonly PcapRecord[]): Uint8Array {
  let size = 24
  for (const r of records) size += 16 + r.bytes.length
  const out = new Uint8Array(size)
  const v = new DataView(out.buffer)
  writeGlobalHeader(v)
  let at = 24
  for (const r of records) {
    const sec = Math.floor(r.timeUs / 1e6)
    v.setUint32(at, sec, true)
    v.setUint32(at + 4, r.timeUs - sec * 1e6, true)
    v.setUint32(at + 8, r.bytes.length, true)
    v.setUint32(at + 12, r.bytes.length, true)
    out.set(r.bytes, at + 16)
    at += 16 + r.bytes.length
  }
  return out
}

/** Read a pcap file (either byte order, microsecond or nanosecond magic; Ethernet only). */
export function readPcap(file: Uint8Array): PcapRecord[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (file.length < 24) throw new Error('not a pcap file: shorter than its 24-byte header')
  const magicLe = v.getUint32(0, true)
  const le = magicLe === PCAP_MAGIC_US || magicLe === 0xa1b23c4d
  const magic = le ? magicLe : v.getUint32(0, false)
  if (magic !== PCAP_MAGIC_US && magic !== 0xa1b23c4d) throw new Error('not a pcap file: unknown magic number')
  const nano = magic === 0xa1b23c4d
  if (v.getUint32(20, le) !== LINKTYPE_ETHERNET) throw new Error('not an Ethernet capture')
  const out: PcapRecord[] = []
  for (let at = 24; at + 16 <= file.length; ) {
    const sec = v.getUint32(at, le)
    const frac = v.getUint32(at + 4, le)
    const incl = v.getUint32(at + 8, le)
    out.push({
      timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
      bytes: file.slice(at + 16, at + 16 + incl),
    })
    at += 16 + incl
  }
  return out
}
