/**
 * The director's kernel log ring (kernel/printk/printk.c): what printk() wrote, each record with
 * its level and the time since boot, read by `dmesg` and `journalctl -k`. In the lab only
 * netfilter's LOG target writes to it. The ring keeps 2^17 bytes of text, as Debian's
 * CONFIG_LOG_BUF_SHIFT=17; the oldest records go first.
 */

export interface KmsgRecord {
  /** Simulated ms since boot (the lab's director boots at time 0). */
  ms: number
  /** The syslog level 0–7 (KERN_EMERG … KERN_DEBUG). */
  level: number
  text: string
}

const RING_BYTES = 1 << 17

export class Kmsg {
  readonly records: KmsgRecord[] = []
  private bytes = 0
  /** Where the next read starts after `dmesg -c` / `-C` cleared the ring (printk's clear_seq). */
  clearedUpTo = 0
  /** Records dropped at the front of `records` so far (sequence number of records[0]). */
  firstSeq = 0

  write(ms: number, level: number, text: string): void {
    this.records.push({ ms, level, text })
    this.bytes += text.length + 16
    while (this.bytes > RING_BYTES && this.records.length > 1) {
      const r = this.records.shift() as KmsgRecord
      this.bytes -= r.text.length + 16
      this.firstSeq++
    }
  }

  /** The records not cleared, oldest first. */
  readable(): KmsgRecord[] {
    return this.records.slice(Math.max(0, this.clearedUpTo - this.firstSeq))
  }

  /** SYSLOG_ACTION_CLEAR. */
  clear(): void {
    this.clearedUpTo = this.firstSeq + this.records.length
  }
}
