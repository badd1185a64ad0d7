// The destination's queue of disk operations (see WriteQueue).

import type {BlockpairError} from '../errors.js'

/**
 * The destination's disk operations. Up to `limit` run at once, so
 * the thread pool writes while the main thread decrypts and hashes: they
 * touch disjoint ranges, because the source sends each range once. A barrier
 * (a checkpoint) starts only when everything queued before it has finished,
 * and nothing starts beside it. The first failure stops the rest.
 */
export class WriteQueue {
  private readonly waiting: Array<{op: () => Promise<void>; barrier: boolean}> = []
  private running = 0
  private barrierRunning = false
  private idleWaiters: Array<() => void> = []
  error: BlockpairError | null = null

  constructor(private readonly limit: number, private readonly onError: (err: BlockpairError) => void) {}

  push(op: () => Promise<void>, barrier = false): void {
    this.waiting.push({op, barrier})
    this.pump()
  }

  fail(err: BlockpairError): void {
    if (this.error) return
    this.error = err
    this.onError(err)
  }

  /** Start nothing more: the failure is known elsewhere already, so it is not reported. */
  stop(err: BlockpairError): void {
    this.error ??= err
  }

  /** Resolves once every queued operation has finished. */
  async idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return
    await new Promise<void>(resolve => this.idleWaiters.push(resolve))
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.barrierRunning) {
      const next = this.waiting[0] as {op: () => Promise<void>; barrier: boolean}
      if (next.barrier ? this.running > 0 : this.running >= this.limit) break
      this.waiting.shift()
      this.running++
      this.barrierRunning = next.barrier
      void this.run(next.op, next.barrier)
    }
    if (this.running === 0 && this.waiting.length === 0) for (const w of this.idleWaiters.splice(0)) w()
  }

  private async run(op: () => Promise<void>, barrier: boolean): Promise<void> {
    try {
      if (!this.error) await op()
    } catch (err) {
      this.fail(err as BlockpairError)
    } finally {
      this.running--
      if (barrier) this.barrierRunning = false
      this.pump()
    }
  }
}

/**
 * Gathers small writes into batches on a WriteQueue, so that thousands of
 * scattered 4 KiB pieces cost a few thread-pool jobs instead of one each
 * (see agent/disk/addon/writebatch.c). One batch runs at a time; what arrives
 * meanwhile goes out together in the next, so batches grow with the load.
 * seal() queues whatever waits now: call it before queueing a barrier, which
 * must come after every write received before it.
 */
export class WriteBatcher<T> {
  private items: T[] = []
  /** A batch is queued and not started: new items join it. */
  private queued = false
  private running = 0

  constructor(private readonly queue: WriteQueue, private readonly run: (items: T[]) => Promise<void>) {}

  add(item: T): void {
    this.items.push(item)
    if (!this.queued && this.running === 0) this.queueBatch()
  }

  seal(): void {
    if (this.items.length > 0 && !this.queued) this.queueBatch()
  }

  private queueBatch(): void {
    this.queued = true
    this.queue.push(async () => {
      this.queued = false
      const batch = this.items
      this.items = []
      this.running++
      try {
        if (batch.length > 0) await this.run(batch)
      } finally {
        this.running--
        // Queued while this batch still counts as running, so the queue is never idle in between.
        if (this.items.length > 0 && !this.queued && this.running === 0) this.queueBatch()
      }
    })
  }
}
