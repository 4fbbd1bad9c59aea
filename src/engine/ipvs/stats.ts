/**
 * Per-service, per-destination and total counters, and the rate estimator behind `--rate`
 * (mirrors struct ip_vs_stats, ip_vs_zero_stats() and the 6.1 estimator in ip_vs_est.c:
 * a 2-second tick, an EWMA with weight 1/4, read back with the kernel's rounding).
 *
 * The fields are what `ipvsadm -L --stats` shows, `kstats - kstats0` (ip_vs_copy_stats()), kept
 * up to date (the golden README: every recording reads them after the 2 s copy caught up). The
 * kernel's `kstats` is the per-CPU sum copied at each estimator tick (estimation_timer() →
 * ip_vs_read_cpu_stats()), and `-Z` sets `kstats0 = kstats` — the counters of the last tick, not
 * of the moment (ip_vs_zero_stats()): what came in since that tick still shows after `-Z`.
 */
export class IpvsStats {
  conns = 0
  inpkts = 0
  outpkts = 0
  inbytes = 0
  outbytes = 0

  // The shown values at the last tick: kstats − kstats0 as the estimator last copied it.
  private tickConns = 0
  private tickInpkts = 0
  private tickOutpkts = 0
  private tickInbytes = 0
  private tickOutbytes = 0

  // Estimator state, scaled as the kernel keeps it (cps/pps << 10, bps << 5).
  private lastConns = 0
  private lastInpkts = 0
  private lastOutpkts = 0
  private lastInbytes = 0
  private lastOutbytes = 0
  private cpsScaled = 0
  private inppsScaled = 0
  private outppsScaled = 0
  private inbpsScaled = 0
  private outbpsScaled = 0

  /** One 2-second estimation tick (estimation_timer()). */
  estimate(): void {
    this.cpsScaled += ewmaStep((this.conns - this.lastConns) * 512, this.cpsScaled)
    this.lastConns = this.conns
    this.inppsScaled += ewmaStep((this.inpkts - this.lastInpkts) * 512, this.inppsScaled)
    this.lastInpkts = this.inpkts
    this.outppsScaled += ewmaStep((this.outpkts - this.lastOutpkts) * 512, this.outppsScaled)
    this.lastOutpkts = this.outpkts
    this.inbpsScaled += ewmaStep((this.inbytes - this.lastInbytes) * 16, this.inbpsScaled)
    this.lastInbytes = this.inbytes
    this.outbpsScaled += ewmaStep((this.outbytes - this.lastOutbytes) * 16, this.outbpsScaled)
    this.lastOutbytes = this.outbytes
    this.tickConns = this.conns
    this.tickInpkts = this.inpkts
    this.tickOutpkts = this.outpkts
    this.tickInbytes = this.inbytes
    this.tickOutbytes = this.outbytes
  }

  /** Every estimate is 0: without new packets, further ticks change nothing. */
  get atRest(): boolean {
    return (
      this.cpsScaled === 0 &&
      this.inppsScaled === 0 &&
      this.outppsScaled === 0 &&
      this.inbpsScaled === 0 &&
      this.outbpsScaled === 0
    )
  }

  /** The rates `ipvsadm --rate` prints (ip_vs_read_estimator()). */
  rates(): { cps: number; inpps: number; outpps: number; inbps: number; outbps: number } {
    return {
      cps: Math.floor((this.cpsScaled + 0x1ff) / 1024),
      inpps: Math.floor((this.inppsScaled + 0x1ff) / 1024),
      outpps: Math.floor((this.outppsScaled + 0x1ff) / 1024),
      inbps: Math.floor((this.inbpsScaled + 0xf) / 32),
      outbps: Math.floor((this.outbpsScaled + 0xf) / 32),
    }
  }

  /**
   * `ipvsadm -Z` (ip_vs_zero_stats(): kstats0 = kstats, then ip_vs_zero_estimator(): last_* =
   * kstats, rates 0): the counters drop by what the last tick had copied; what came in since
   * stays, and the next tick counts it in the rates.
   */
  zero(): void {
    this.conns -= this.tickConns
    this.inpkts -= this.tickInpkts
    this.outpkts -= this.tickOutpkts
    this.inbytes -= this.tickInbytes
    this.outbytes -= this.tickOutbytes
    this.tickConns = this.tickInpkts = this.tickOutpkts = this.tickInbytes = this.tickOutbytes = 0
    this.lastConns = this.lastInpkts = this.lastOutpkts = this.lastInbytes = this.lastOutbytes = 0
    this.cpsScaled = this.inppsScaled = this.outppsScaled = this.inbpsScaled = this.outbpsScaled = 0
  }
}

/** `(rate - avg) >> 2` on signed 64-bit values: an arithmetic shift, i.e. floor division. */
const ewmaStep = (rate: number, avg: number): number => Math.floor((rate - avg) / 4)

/** The estimator runs every 2 s (IPVS_EST_TICK in 6.1's ip_vs_est.c). */
export const ESTIMATOR_PERIOD_MS = 2000
