// What both peers are built on (see Peer).

import type {Channel} from '../wire/channel.js'
import type {Disk} from '../disk/disk.js'
import {BlockHasher} from './hash.js'
import {BufferPool} from './pool.js'
import {Layout} from './layout.js'
import {Reader} from './reader.js'
import {emptyStats, LOCAL_READ_AHEAD, LOCAL_WINDOW, type EngineHooks, type Plan} from './plan.js'

/**
 * The state both peers share: the plan's layout, the session's hasher and the
 * digest over every block hash, the segment buffers (given back to the
 * spares if the channel fails) and the reader that fills them.
 */
export abstract class Peer {
  protected readonly layout: Layout
  protected readonly h: BlockHasher
  protected readonly digest: ReturnType<BlockHasher['digest']>
  protected readonly pool: BufferPool
  protected readonly reader: Reader
  protected readonly stats = emptyStats()
  protected blocks = 0

  /** `skip(k)`: segment k is not read (known to be zero). */
  constructor(protected readonly ch: Channel, disk: Disk | null, protected readonly plan: Plan,
    protected readonly hooks: EngineHooks, seed: Buffer, skip: (k: number) => boolean, buffers = LOCAL_READ_AHEAD + LOCAL_WINDOW + 2) {
    this.layout = new Layout(plan)
    this.h = new BlockHasher(seed)
    this.digest = this.h.digest()
    this.pool = new BufferPool(this.layout.segSize, buffers)
    ch.onFail(() => this.pool.close())
    this.reader = new Reader(disk as Disk, this.layout, this.pool, this.h, skip)
  }
}
