// Reading segments ahead of use, hashing each as it comes in (Reader), and
// the destination's re-read for --verify (rereadDigest).

import type {Disk, Extent} from '../disk/disk.js'
import type {Channel} from '../wire/channel.js'
import {fadvise} from '../disk/native.js'
import {type BlockHasher, HASH_BYTES} from './hash.js'
import {BufferPool, Lease} from './pool.js'
import type {Hashed, Layout, Segment} from './layout.js'
import {planHashes, zeroHashes} from './manifest.js'
import {LOCAL_READ_AHEAD, MAX_OPEN} from './plan.js'

/**
 * Reads segments ahead of use into pooled buffers, in order, and hashes each
 * one as soon as it is in: reading and hashing of the next LOCAL_READ_AHEAD
 * segments run on the thread pool while the event loop deals with this one.
 */
export class Reader {
  private readonly pending = new Map<number, {p: Promise<Hashed>; data: boolean}>()
  private nextToStart = 0
  /** Started reads of segments that hold data, not yet taken. */
  private dataAhead = 0

  constructor(private readonly disk: Disk, private readonly layout: Layout, private readonly pool: BufferPool,
    private readonly h: BlockHasher, private readonly skip: (k: number) => boolean) {}

  async get(k: number): Promise<Hashed> {
    // LOCAL_READ_AHEAD segments that hold data, however many holes lie between
    // them: counting the holes left a sparse image with one read in flight.
    while (this.nextToStart < this.layout.segments &&
      (this.nextToStart <= k || (this.dataAhead < LOCAL_READ_AHEAD && this.nextToStart <= k + MAX_OPEN))) {
      const j = this.nextToStart++
      const offset = this.layout.segStart(j)
      const end = offset + this.layout.segLength(j)
      const extents = this.skip(j) ? [] : this.layout.toRead(offset, end, this.disk.size, (a, b) => this.disk.extents(a, b))
      const p = this.read(j, extents)
      p.catch(() => {})
      const data = extents.length > 0
      if (data) this.dataAhead++
      this.pending.set(j, {p, data})
    }
    const r = this.pending.get(k) as {p: Promise<Hashed>; data: boolean}
    this.pending.delete(k)
    if (r.data) this.dataAhead--
    return r.p
  }

  private async read(k: number, extents: Extent[]): Promise<Hashed> {
    const offset = this.layout.segStart(k)
    const length = this.layout.segLength(k)
    const bs = this.layout.plan.blockSize
    const seg: Segment = {k, offset, length, lease: null, extents}
    // Most segments of a sparse image: no buffer, no per-block work.
    if (extents.length === 0) return {seg, hashes: zeroHashes(this.h, length, bs), holes: new Uint8Array(Math.ceil(length / bs)).fill(1)}
    seg.lease = new Lease(this.pool, await this.pool.acquire())
    try {
      const {hashes, holes, runs} = planHashes(this.h, seg, bs)
      const buf = seg.lease.buf.subarray(0, length)
      if (this.h.fused) {
        // One thread-pool job for the reads and the hashing of the segment.
        await this.disk.readRange(buf, offset, length, extents, bs, {seed: this.h.seed, out: hashes, runs})
      } else {
        await this.disk.readRange(buf, offset, length, extents, bs)
        await Promise.all(runs.map(([from, to]) => this.h.hashBlocksAsync(buf.subarray(from, to), bs, hashes, (from / bs) * HASH_BYTES)))
      }
      return {seg, hashes, holes}
    } catch (err) {
      seg.lease.unref()
      throw err
    }
  }
}

/**
 * The digest of the destination as it is on disk: its cached pages are
 * dropped first (they are clean after fdatasync), so the re-read comes from
 * the device, not from what we just wrote into memory.
 */
export async function rereadDigest(disk: Disk, layout: Layout, h: BlockHasher, ch: Channel): Promise<Buffer> {
  const {start, end} = layout.plan
  fadvise(disk.fd, start, end - start, 'dontneed')
  const pool = new BufferPool(layout.segSize, LOCAL_READ_AHEAD + 1)
  const reader = new Reader(disk, layout, pool, h, () => false)
  const digest = h.digest()
  // The channel's heartbeat (Channel.heartbeat) tells the peer we are alive meanwhile.
  for (let k = 0; k < layout.segments; k++) {
    if (ch.failure) throw ch.failure
    const {seg, hashes} = await reader.get(k)
    digest.update(hashes)
    seg.lease?.unref()
  }
  pool.close()
  return digest.digest()
}
