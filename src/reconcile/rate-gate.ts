/**
 * Spaces calls to GOV.UK Pay evenly at a rate, shared by every worker of one run. Each caller
 * reserves the next free slot before it sleeps, so concurrent callers never share a slot and the
 * schedule does not drift when a sleep wakes late. There is no burst: a run of N reads takes at
 * least (N - 1) / rate seconds, which is what a service asking for "10 per second" expects.
 */
export class RateGate {
  private intervalMs: number;
  private readonly maxIntervalMs: number;
  private nextAt = -Infinity;
  /** Bumped by every pause, so callers that reserved a slot before it reserve again. */
  private generation = 0;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
    // Backing off stops at a sixteenth of the configured rate: slow, but the run still ends.
    this.maxIntervalMs = this.intervalMs * 16;
  }

  /** Resolves when the caller may send one request. */
  async acquire(): Promise<void> {
    for (;;) {
      const generation = this.generation;
      const now = this.now();
      const at = Math.max(now, this.nextAt);
      this.nextAt = at + this.intervalMs;
      if (at > now) await this.sleep(at - now);
      if (generation === this.generation) return;
    }
  }

  /**
   * After a 429: nobody sends for `ms`, and the rate is halved for the rest of the run, since the
   * account's budget is shared with the service's own traffic.
   */
  backOff(ms: number): void {
    this.generation += 1;
    this.intervalMs = Math.min(this.intervalMs * 2, this.maxIntervalMs);
    this.nextAt = Math.max(this.nextAt, this.now() + ms);
  }

  /** The current spacing between requests, in milliseconds. */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }
}
