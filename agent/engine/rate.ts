// --bwlimit. The source paces what it sends; a destination run by this end
// (a pull: the remote source was not told the limit, and the protocol has no
// field for it) paces what it reads instead, and TCP's flow control slows
// the source to the same rate.

/** Paces the source so block data leaves at no more than `rate` bytes per second. */
export class RateLimiter {
  private readonly began = Date.now()
  private sent = 0
  private wake: (() => void) | null = null
  private cancelled = false

  constructor(private readonly rate: number) {}

  add(bytes: number): void {
    this.sent += bytes
  }

  /** How long to wait (ms) before more may go; 0 or less: now. */
  due(): number {
    return (this.sent / this.rate) * 1000 - (Date.now() - this.began)
  }

  async pace(): Promise<void> {
    const due = this.due()
    if (due <= 1 || this.cancelled) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, due)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wake = null
  }

  /**
   * The sync failed or was stopped (Ctrl-C, a dropped peer): a pause ends now.
   * At a low rate one segment's pause is long (4 MiB at 100 KiB/s is 40 s),
   * and the run would sit in it before it could say why it stopped.
   */
  cancel(): void {
    this.cancelled = true
    this.wake?.()
  }
}
