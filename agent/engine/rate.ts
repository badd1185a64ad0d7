// The source's --bwlimit.

/** Paces the source so block data leaves at no more than `rate` bytes per second. */
export class RateLimiter {
  private readonly began = Date.now()
  private sent = 0

  constructor(private readonly rate: number) {}

  add(bytes: number): void {
    this.sent += bytes
  }

  async pace(): Promise<void> {
    const due = (this.sent / this.rate) * 1000 - (Date.now() - this.began)
    if (due > 1) await new Promise(resolve => setTimeout(resolve, due))
  }
}
