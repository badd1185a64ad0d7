// A fixed set of equal-sized buffers, reused for every segment read. A buffer
// goes back only when its segment is done *and* every socket write that
// references it has completed, because block data is written to the socket
// without a copy.

export class BufferPool {
  private readonly free: Buffer[] = []
  private readonly waiters: Array<(b: Buffer) => void> = []
  private created = 0

  constructor(readonly size: number, readonly max: number) {}

  async acquire(): Promise<Buffer> {
    const b = this.free.pop()
    if (b) return b
    if (this.created < this.max) {
      this.created++
      return Buffer.allocUnsafe(this.size)
    }
    return new Promise(resolve => this.waiters.push(resolve))
  }

  /**
   * A buffer right now, even past `max`. Only for segments whose number the
   * protocol already bounds (the destination's known-zero segments).
   */
  takeNow(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size)
  }

  release(b: Buffer): void {
    const w = this.waiters.shift()
    if (w) w(b)
    else this.free.push(b)
  }
}

/** A pooled buffer shared by a segment and the socket writes that send parts of it. */
export class Lease {
  private refs = 1

  constructor(private readonly pool: BufferPool, readonly buf: Buffer) {}

  ref(): void {
    this.refs++
  }

  unref(): void {
    if (--this.refs === 0) this.pool.release(this.buf)
  }
}
