// The destination's write path, apart from the protocol: block payloads and
// zero ranges go to the disk through a WriteQueue (several at once, on the
// thread pool), small ones gathered into batches, and a checkpoint is a
// barrier in that queue. Bytes that wait in it are charged against a high
// mark: past it the flow (the channel) is paused until writes release
// enough, so a fast peer cannot grow our memory.

import type {BlockpairError} from '../errors.js'
import type {Disk} from '../disk/disk.js'
import {alignedBuffer} from '../disk/blockhash.js'
import {WriteBatcher, WriteQueue} from './write-queue.js'
import {FINE, MAX_RUN} from './plan.js'

/** Bytes queued for the disk past which the flow is paused (resumed below half). */
export const WRITE_HIGH = 8 << 20
const WRITES_IN_FLIGHT = 4
/** Payloads smaller than this are written in batches (see WriteBatcher). */
export const BATCH_BELOW = 64 << 10
const CHECKPOINT_MS = 1000
const CHECKPOINT_BYTES = 256 << 20

/** Where the writer's backpressure and outcome go: the channel, in a sync. */
export interface WriteFlow {
  pause(): void
  resume(): void
  /** A disk operation failed: nothing more is written. */
  fail(err: BlockpairError): void
  /** Everything below `offset` is on disk (fdatasync returned); the next checkpoint waits for what this returns. */
  durable(offset: number): void | Promise<void>
}

interface Piece {
  payload: Buffer
  offset: number
  cost: number
  /** The write is done (or failed): the payload's buffer may go back to the pool. */
  done: () => void
}

export class DestWriter {
  private readonly queue: WriteQueue
  private readonly small: WriteBatcher<Piece>
  private readonly payloads = new PayloadBuffers()
  private queuedBytes = 0
  private paused = false
  private flushing: Promise<void> | null = null
  private lastCheckpoint: {at: number; offset: number}

  constructor(private readonly disk: Disk, private readonly flow: WriteFlow, start: number) {
    this.queue = new WriteQueue(WRITES_IN_FLIGHT, err => flow.fail(err))
    this.small = new WriteBatcher<Piece>(this.queue, batch => this.writeBatch(batch))
    this.lastCheckpoint = {at: Date.now(), offset: start}
  }

  /** A buffer to receive an `n`-byte payload in; it comes back when its write is done. */
  take(n: number): Buffer {
    return this.payloads.take(n)
  }

  /** Bytes charged and not yet released. */
  get queued(): number {
    return this.queuedBytes
  }

  get error(): BlockpairError | null {
    return this.queue.error
  }

  /** Write `payload` at `offset`; the writer owns the buffer from now on. */
  write(payload: Buffer, offset: number): void {
    this.writePiece(payload, offset, this.payloads.cost(payload), () => this.payloads.recycle(payload))
  }

  /**
   * Write the pieces one payload holds back to back (lengths[i] bytes at
   * offsets[i]); the writer owns the buffer from now on, and recycles it
   * once the last piece is written.
   */
  writePieces(payload: Buffer, offsets: readonly number[], lengths: readonly number[]): void {
    let left = offsets.length
    const done = (): void => {
      if (--left === 0) this.payloads.recycle(payload)
    }
    // What holding the buffer costs beyond its bytes is charged to the first piece.
    const extra = this.payloads.cost(payload) - payload.length
    for (let i = 0, at = 0; i < offsets.length; i++) {
      const n = lengths[i] as number
      this.writePiece(payload.subarray(at, at + n), offsets[i] as number, n + (i === 0 ? extra : 0), done)
      at += n
    }
  }

  private writePiece(payload: Buffer, offset: number, cost: number, done: () => void): void {
    if (payload.length < BATCH_BELOW) {
      this.charge(cost)
      this.small.add({payload, offset, cost, done})
    } else {
      this.enqueue(cost, () => this.disk.write(payload, offset).finally(done))
    }
  }

  zero(offset: number, length: number): void {
    // Counted as a small write: a flood of Zero frames must fill the queue too.
    this.enqueue(FINE, () => this.disk.zero(offset, length))
  }

  /**
   * Everything below `done` has been handed to the writer: checkpoint there
   * if one is due (by time or bytes) and none is running.
   */
  segmentDone(done: number, end: number): void {
    const due = Date.now() - this.lastCheckpoint.at >= CHECKPOINT_MS || done - this.lastCheckpoint.offset >= CHECKPOINT_BYTES
    if (due && done < end && !this.flushing) this.checkpoint(done)
  }

  /**
   * A barrier: it starts once every write queued before it (all of them
   * below `done`) has returned. fdatasync makes durable what was written
   * before it was called, so it then runs beside the writes that follow
   * instead of stalling them at disk speed.
   */
  checkpoint(done: number): void {
    this.lastCheckpoint = {at: Date.now(), offset: done}
    this.small.seal()
    this.enqueue(0, async () => {
      this.flushing = this.disk.sync().then(() => this.flow.durable(done), (err: BlockpairError) => this.queue.fail(err))
        .finally(() => { this.flushing = null })
    }, true)
  }

  /**
   * The session failed: start nothing more, and return once what is running
   * has finished, so that what is recorded of the file afterwards (its change
   * stamp: agent/session/tracking.ts) is what stays. A write not started is
   * no loss: a resume compares that range again.
   */
  async halt(err: BlockpairError): Promise<void> {
    this.queue.stop(err)
    await this.queue.idle()
    await this.flushing?.catch(() => {})
  }

  /** Every write queued so far is done (and a running checkpoint too); throws the first failure. */
  async idle(): Promise<void> {
    await this.queue.idle()
    await this.flushing
    if (this.queue.error) throw this.queue.error
  }

  private charge(bytes: number): void {
    this.queuedBytes += bytes
    if (this.queuedBytes > WRITE_HIGH && !this.paused) {
      this.paused = true
      this.flow.pause()
    }
  }

  private release(bytes: number): void {
    this.queuedBytes -= bytes
    if (this.paused && this.queuedBytes < WRITE_HIGH / 2) {
      this.paused = false
      this.flow.resume()
    }
  }

  private enqueue(bytes: number, op: () => Promise<void>, barrier = false): void {
    this.charge(bytes)
    this.queue.push(async () => {
      try {
        await op()
      } finally {
        this.release(bytes)
      }
    }, barrier)
  }

  private async writeBatch(batch: Piece[]): Promise<void> {
    try {
      await this.disk.writeBatch(batch.map(p => p.payload), batch.map(p => p.offset))
    } finally {
      for (const p of batch) {
        this.release(p.cost)
        p.done()
      }
    }
  }
}

/**
 * Buffers that received block payloads are gathered in, reused once their
 * disk write is done. A new buffer per frame would leave tens of MiB to the
 * garbage collector at any moment, and the agent's memory would drift up.
 */
class PayloadBuffers {
  private readonly free: Buffer[] = []
  private readonly ours = new WeakSet<ArrayBufferLike>()

  take(n: number): Buffer {
    // Small payloads (scattered 4 KiB changes) get buffers of their own size:
    // a recycled 512 KiB buffer each would hold far more memory than the write
    // queue accounts for.
    if (n > MAX_RUN || n < MAX_RUN / 8) return Buffer.allocUnsafe(n)
    let b = this.free.pop()
    if (!b) {
      // Aligned: the kernel copies out of it into the page cache faster.
      b = alignedBuffer(MAX_RUN)
      this.ours.add(b.buffer)
    }
    return b.subarray(0, n)
  }

  /** What holding `payload` until its write is done keeps in memory. */
  cost(payload: Buffer): number {
    // A view into a received chunk keeps the whole chunk alive.
    return this.ours.has(payload.buffer) ? payload.length : Math.max(payload.length, payload.buffer.byteLength)
  }

  recycle(payload: Buffer): void {
    if (this.ours.has(payload.buffer) && this.free.length < WRITE_HIGH / MAX_RUN) {
      this.free.push(Buffer.from(payload.buffer, payload.byteOffset, MAX_RUN))
    }
  }
}
