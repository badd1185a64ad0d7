// A live copy on this host as the base of a diff (see Base in diff-dest.ts):
// read ahead and hashed by the engine's Reader, as a destination reads, and
// each segment kept until it ends so refines are answered from its bytes
// (an all-zero one as a hole, without its buffer).

import type {Disk} from '../disk/disk.js'
import {BlockHasher} from './hash.js'
import type {Base} from './diff-dest.js'
import {Layout, type Hashed} from './layout.js'
import {fineHashes, zeroAsHole} from './manifest.js'
import {BufferPool} from './pool.js'
import {READ_AHEAD, WINDOW, type Plan} from './plan.js'
import {Reader} from './reader.js'

export class DiskBase implements Base {
  private readonly layout: Layout
  private readonly h: BlockHasher
  private readonly pool: BufferPool
  private readonly reader: Reader
  private readonly held = new Map<number, Hashed>()

  /** `disk` holds `size` bytes; past them it reads as zeros, unread. */
  constructor(private readonly disk: Disk, plan: Plan, seed: Buffer, size: number) {
    this.layout = new Layout(plan)
    this.h = new BlockHasher(seed)
    this.pool = new BufferPool(this.layout.segSize, READ_AHEAD + WINDOW + 2)
    this.reader = new Reader(disk, this.layout, this.pool, this.h, k => this.layout.segStart(k) >= size)
  }

  async hashes(k: number): Promise<Buffer> {
    // An all-zero segment pins no buffer: the diff does not count it against its window.
    const r = await this.reader.get(k)
    const x = zeroAsHole(this.h, this.layout.plan.blockSize, r) ?? r
    this.held.set(k, x)
    return x.hashes
  }

  async fine(k: number, blocks: readonly number[]): Promise<Buffer | null> {
    const x = this.held.get(k)
    return x ? fineHashes(this.h, this.layout, k, x, blocks) : null
  }

  release(k: number): void {
    this.held.get(k)?.seg.lease?.unref()
    this.held.delete(k)
  }

  async close(): Promise<void> {
    for (const k of [...this.held.keys()]) this.release(k)
    this.pool.close()
    await this.disk.close()
  }
}
