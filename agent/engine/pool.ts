// A fixed set of equal-sized buffers, reused for every segment read. A buffer
// goes back only when its segment is done *and* every socket write that
// references it has completed, because block data is written to the socket
// without a copy.

import {alignedBuffer} from '../disk/blockhash.js'

// Buffers of finished sessions, kept for the next ones: an agent serving
// syncs back to back then reuses the same memory instead of leaving each
// session's buffers to the garbage collector (which frees them late).
const spares = new Map<number, Buffer[]>()
const MAX_SPARES = 12

function spare(size: number): Buffer | undefined {
  return spares.get(size)?.pop()
}

function keep(b: Buffer): void {
  const list = spares.get(b.length) ?? []
  if (list.length < MAX_SPARES) list.push(b)
  spares.set(b.length, list)
}

export class BufferPool {
  private readonly free: Buffer[] = []
  private readonly waiters: Array<(b: Buffer) => void> = []
  private created = 0
  private closed = false

  constructor(readonly size: number, readonly max: number) {}

  /** Buffers handed out by acquire so far: the segment memory a session touched. */
  get allocated(): number {
    return this.created
  }

  async acquire(): Promise<Buffer> {
    const b = this.free.pop()
    if (b) return b
    if (this.created < this.max) {
      this.created++
      return spare(this.size) ?? alignedBuffer(this.size)
    }
    return new Promise(resolve => this.waiters.push(resolve))
  }

  /**
   * A buffer right now, even past `max`. Only for segments whose number the
   * protocol already bounds (the destination's known-zero segments).
   */
  takeNow(): Buffer {
    return this.free.pop() ?? spare(this.size) ?? alignedBuffer(this.size)
  }

  release(b: Buffer): void {
    if (this.closed) return keep(b)
    const w = this.waiters.shift()
    if (w) w(b)
    else this.free.push(b)
  }

  /** The session is over: its buffers, now and as they come back, go to the spares. */
  close(): void {
    this.closed = true
    for (const b of this.free.splice(0)) keep(b)
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
