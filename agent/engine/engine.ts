// The sync engine: how two peers make [start, end) of the destination equal
// to the source, over any Channel. The range is the whole file, its rest
// after a resume, or one part of it when several sessions sync one file at
// once (--streams, agent/session/streams.ts); the destination never writes outside it.
//
// DEV DOCS
//
// The range is cut into segments (SEGMENT bytes, a multiple of the coarse
// block size). Segment k covers [start + k*SEGMENT, ...). Both peers walk the
// segments in order, reading and hashing at the same time:
//
//   destination                               source
//   read k, hash coarse blocks
//   Manifest{k, hashes}  ───────────────────► read k, hash, compare
//                                             equal blocks: nothing
//                                             source block all zero: Zero{range}
//                                             destination block all zero: the
//                                               non-zero 4 KiB pieces as Data
//                        ◄─────────────────── Refine{k, other differing blocks}
//   4 KiB hashes of them
//   RefineHashes{k}      ───────────────────► Data / Zero for differing pieces
//                        ◄─────────────────── SegmentEnd{k}   (always, in order)
//   rehash touched blocks, add to digest
//
// Nothing waits on a round trip per block: the source keeps up to WINDOW
// segments waiting for refine answers while it reads ahead, and the
// destination reads ahead up to WINDOW segments not yet ended. Segments that
// are all hole pin no buffer and do not count against WINDOW, only against
// MAX_OPEN, so the holes of a sparse image are not paced by round trips. Everything past
// `destZeroFrom` is known to be zero at the destination (a new file, or the
// part a grown file gained): the destination neither reads it nor sends a
// manifest for it, and the source refines against zeros locally. Within a
// manifest, all-zero blocks are one bit each instead of a hash (see
// packManifest), and a run of up to HOLE_RUN all-hole segments travels as one
// Manifest{count} and ends in one SegmentEnd{count}, so holes cost almost
// nothing on the wire or on either event loop.
//
// Work goes to libuv's thread pool in as few jobs as possible, because
// handing one over costs more here than a 1 MiB read: each segment is read
// and hashed in one job (Disk.readRange with a FusedHash), and the small
// writes of an incremental go out in batches (WriteBatcher, one pwrite loop
// per job).
//
// At the end the source sends Finish{digest of its block hashes}; the
// destination flushes (fdatasync), compares with the digest over the hashes
// of what it now holds (the blocks it wrote are rehashed from the written
// bytes), and answers Finished. A mismatch fails both sides.
//
// Memory is bounded by the buffer pool (READ_AHEAD + WINDOW segments per
// peer) and by pausing the channel while too many writes are queued.

import {BlockpairError, EXIT, IoError, ProtocolError} from '../errors.js'
import {BlockHasher, HASH_BYTES, hashEquals} from './hash.js'
import {BufferPool, Lease} from './pool.js'
import type {Channel} from '../wire/channel.js'
import type {Disk, Extent} from '../disk/disk.js'
import type {Frame, Stats} from '../../proto/codec.js'
import {isZero} from './zero.js'
import {WriteBatcher, WriteQueue} from './write-queue.js'
import {fadvise} from '../disk/native.js'
import {alignedBuffer} from '../disk/blockhash.js'

export const FINE = 4096
export const MIN_BLOCK = FINE
export const MAX_BLOCK = 4 << 20
export const DEFAULT_BLOCK = 64 << 10
const SEGMENT = 4 << 20
/** Segment size: ranges cut at its multiples split no segment (no block is larger). */
export const SEGMENT_BYTES = SEGMENT
/** Segments in flight that hold data (a buffer each), per peer. */
const WINDOW = 5
/**
 * Segments in flight in all, all-hole ones included: those pin no buffer,
 * only a manifest of at most 16 KiB, so many can be in flight and a sparse
 * image is not paced by round trips over its holes.
 */
const MAX_OPEN = 64
const READ_AHEAD = 3
/**
 * Most all-hole segments one Manifest (and one SegmentEnd) stands for: an
 * 8 GiB sparse image is 2,048 segments, and a frame each way per segment was
 * most of what the source's event loop did.
 */
const HOLE_RUN = 16
/** Largest run of adjacent changed pieces sent as one Data frame. */
const MAX_RUN = 512 << 10
const WRITE_HIGH = 8 << 20
const WRITES_IN_FLIGHT = 4
/** Payloads smaller than this are written in batches (see WriteBatcher). */
const BATCH_BELOW = 64 << 10
const CHECKPOINT_MS = 1000
const KEEPALIVE_MS = 5000
const CHECKPOINT_BYTES = 256 << 20

export interface Plan {
  size: number
  blockSize: number
  start: number
  end: number
  destZeroFrom: number
  dryRun: boolean
  /** After writing, the destination drops its cache and re-reads everything to check it. */
  verify?: boolean
}

export interface EngineHooks {
  /** Bytes of the range dealt with so far. */
  onProgress?: (done: number) => void
  /** Everything below `offset` is durable at the destination. */
  onCheckpoint?: (offset: number) => void
  /** Source only: cap block data at this many bytes per second. */
  bwlimit?: number
  /** Source only: was the source modified while it was read? Asked once, at the end. */
  sourceChanged?: () => Promise<boolean>
}

/** A byte range where the two ends differ (reported by dry runs and `verify`). */
export interface Range {
  offset: number
  length: number
}

const MAX_RANGES = 10_000

export interface EngineResult {
  blocks: number
  blocksChanged: number
  bytesSent: number
  bytesRead: number
  bytesWritten: number
  bytesZeroed: number
  digest: Buffer
  peer: Stats
  /** Dry runs: where the ends differ, merged, at most MAX_RANGES entries. */
  differences: Range[]
  /** The destination re-read from disk matched (plan.verify). */
  verified: boolean
  /** The source was modified during the sync: the destination may hold a mix of old and new. */
  sourceChanged: boolean
}

export function validateBlockSize(n: number): string | null {
  if (!Number.isInteger(n) || n < MIN_BLOCK || n > MAX_BLOCK || (n & (n - 1)) !== 0) {
    return `block size must be a power of two from ${MIN_BLOCK} to ${MAX_BLOCK} bytes, got ${n}`
  }
  return null
}

/** Geometry shared by both peers: segments and blocks of a plan. */
class Layout {
  readonly segSize: number
  readonly segments: number

  constructor(readonly plan: Plan) {
    this.segSize = Math.max(SEGMENT, plan.blockSize)
    this.segments = Math.ceil((plan.end - plan.start) / this.segSize)
  }

  segStart(k: number): number {
    return this.plan.start + k * this.segSize
  }

  segLength(k: number): number {
    return Math.min(this.segSize, this.plan.end - this.segStart(k))
  }

  blocksIn(length: number, blockSize = this.plan.blockSize): number {
    return Math.ceil(length / blockSize)
  }

  /** Does the destination hold only zeros in segment k, without looking? */
  knownZero(k: number): boolean {
    return this.segStart(k) >= this.plan.destZeroFrom
  }

  segmentOf(offset: number): number {
    return Math.floor((offset - this.plan.start) / this.segSize)
  }
}

/** A segment's bytes in a pooled buffer, or null when it is all hole. */
interface Segment {
  k: number
  offset: number
  length: number
  lease: Lease | null
  extents: Extent[]
}

/** A segment read and hashed: its coarse block hashes. */
interface Hashed {
  seg: Segment
  hashes: Buffer
  /**
   * holes[i] is 1 when coarse block i lies wholly in a hole: it reads as zero,
   * and its bytes in the buffer are stale (never filled), so nothing may look
   * at them. The destination clears the mark when it zero-fills the block to
   * patch it.
   */
  holes: Uint8Array
}

/**
 * Reads segments ahead of use into pooled buffers, in order, and hashes each
 * one as soon as it is in: reading and hashing of the next READ_AHEAD
 * segments run on the thread pool while the event loop deals with this one.
 */
class Reader {
  private readonly pending = new Map<number, {p: Promise<Hashed>; data: boolean}>()
  private nextToStart = 0
  /** Started reads of segments that hold data, not yet taken. */
  private dataAhead = 0

  constructor(private readonly disk: Disk, private readonly layout: Layout, private readonly pool: BufferPool,
    private readonly h: BlockHasher, private readonly skip: (k: number) => boolean) {}

  async get(k: number): Promise<Hashed> {
    // READ_AHEAD segments that hold data, however many holes lie between
    // them: counting the holes left a sparse image with one read in flight.
    while (this.nextToStart < this.layout.segments &&
      (this.nextToStart <= k || (this.dataAhead < READ_AHEAD && this.nextToStart <= k + MAX_OPEN))) {
      const j = this.nextToStart++
      const offset = this.layout.segStart(j)
      const extents = this.skip(j) ? [] : this.disk.extents(offset, offset + this.layout.segLength(j))
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
 * What hashing a segment takes: the runs of blocks that hold data (each
 * hashed in one call), and the hashes with those of the blocks that lie
 * wholly in a hole already filled in (the zero hash, unread).
 */
function planHashes(h: BlockHasher, seg: Segment, blockSize: number): {hashes: Buffer; holes: Uint8Array; runs: Array<[number, number]>} {
  const n = Math.ceil(seg.length / blockSize)
  const hashes = Buffer.allocUnsafe(n * HASH_BYTES)
  const holes = new Uint8Array(n)
  const runs: Array<[number, number]> = []
  let runFrom = -1
  const endRun = (i: number): void => {
    if (runFrom >= 0) runs.push([runFrom * blockSize, Math.min(i * blockSize, seg.length)])
    runFrom = -1
  }
  let e = 0
  for (let i = 0; i < n; i++) {
    const from = i * blockSize
    const len = Math.min(blockSize, seg.length - from)
    const abs = seg.offset + from
    while (e < seg.extents.length && endOf(seg.extents[e] as Extent) <= abs) e++
    const ext = seg.extents[e]
    if (!ext || ext.offset >= abs + len) {
      endRun(i)
      h.zeroHash(len).copy(hashes, i * HASH_BYTES)
      holes[i] = 1
    } else if (runFrom < 0) {
      runFrom = i
    }
  }
  endRun(n)
  return {hashes, holes, runs}
}

/** Hashes of `length` bytes of zeros in blocks of `blockSize`: a fresh copy, which the caller may patch. */
function zeroHashes(h: BlockHasher, length: number, blockSize: number): Buffer {
  return Buffer.from(h.zeroHashes(length, blockSize))
}

/** A segment's coarse hashes for the wire: all-zero blocks become bits. */
function packManifest(h: BlockHasher, layout: Layout, k: number, hashes: Buffer, allHole: boolean): {hashes: Buffer; zeros: Buffer} {
  const n = hashes.length / HASH_BYTES
  const zeros = Buffer.alloc(Math.ceil(n / 8))
  if (allHole) {
    zeros.fill(0xff)
    if (n % 8) zeros[zeros.length - 1] = (1 << (n % 8)) - 1
    return {hashes: Buffer.alloc(0), zeros}
  }
  const kept = Buffer.allocUnsafe(hashes.length)
  let at = 0
  let any = false
  for (let i = 0; i < n; i++) {
    if (hashEquals(hashes, i * HASH_BYTES, h.zeroHash(blockLength(layout, k, i)), 0)) {
      zeros[i >> 3] = (zeros[i >> 3] as number) | (1 << (i & 7))
      any = true
    } else {
      hashes.copy(kept, at, i * HASH_BYTES, (i + 1) * HASH_BYTES)
      at += HASH_BYTES
    }
  }
  return {hashes: kept.subarray(0, at), zeros: any ? zeros : Buffer.alloc(0)}
}

/** The destination's side of a segment: its coarse hashes, or null when it is all zero. */
type Theirs = Buffer | null

/**
 * The full coarse hash list of a manifest (null: every block is zero), or
 * undefined when its sizes do not fit segment k.
 */
function unpackManifest(h: BlockHasher, layout: Layout, k: number, hashes: Buffer, zeros: Buffer): Theirs | undefined {
  const n = layout.blocksIn(layout.segLength(k))
  if (zeros.length !== 0 && zeros.length !== Math.ceil(n / 8)) return undefined
  if (hashes.length === 0 && zeros.length > 0 && allBits(zeros, n)) return null
  const out = Buffer.allocUnsafe(n * HASH_BYTES)
  let at = 0
  for (let i = 0; i < n; i++) {
    const zero = zeros.length > 0 && ((zeros[i >> 3] as number) & (1 << (i & 7))) !== 0
    if (zero) {
      h.zeroHash(blockLength(layout, k, i)).copy(out, i * HASH_BYTES)
    } else {
      if (at + HASH_BYTES > hashes.length) return undefined
      hashes.copy(out, i * HASH_BYTES, at, at + HASH_BYTES)
      at += HASH_BYTES
    }
  }
  return at === hashes.length ? out : undefined
}

/** Are bits 0..n-1 of the bitmap all set? */
function allBits(bits: Buffer, n: number): boolean {
  for (let i = 0; i < n >> 3; i++) if (bits[i] !== 0xff) return false
  return n % 8 === 0 || ((bits[n >> 3] as number) & ((1 << (n % 8)) - 1)) === (1 << (n % 8)) - 1
}

function blockLength(layout: Layout, k: number, i: number): number {
  return Math.min(layout.plan.blockSize, layout.segLength(k) - i * layout.plan.blockSize)
}

function endOf(e: Extent): number {
  return e.offset + e.length
}

interface Counters {
  bytesRead: number
  bytesWritten: number
  bytesZeroed: number
  bytesSent: number
  blocksChanged: number
}

function emptyStats(): Counters {
  return {bytesRead: 0, bytesWritten: 0, bytesZeroed: 0, bytesSent: 0, blocksChanged: 0}
}

/**
 * Merges adjacent pieces of the same kind into one Data or Zero frame, so
 * a run of changed 4 KiB pieces costs one header.
 */
class RunSender {
  private kind: 'data' | 'zero' | null = null
  private from = 0
  private to = 0
  private seg: Segment | null = null

  constructor(private readonly emit: (kind: 'data' | 'zero', seg: Segment, from: number, to: number) => void) {}

  add(kind: 'data' | 'zero', seg: Segment, from: number, to: number): void {
    if (this.kind === kind && this.seg === seg && this.to === from && to - this.from <= MAX_RUN) {
      this.to = to
      return
    }
    this.flush()
    this.kind = kind
    this.seg = seg
    this.from = from
    this.to = to
  }

  flush(): void {
    if (this.kind && this.seg) this.emit(this.kind, this.seg, this.from, this.to)
    this.kind = null
    this.seg = null
  }
}

/** Resolves waiters by key as values arrive (manifests by segment number). */
class Mailbox<T> {
  private readonly values = new Map<number, T>()
  private readonly waiters = new Map<number, {resolve: (v: T) => void; reject: (e: Error) => void}>()
  private error: Error | null = null

  put(k: number, v: T): void {
    const w = this.waiters.get(k)
    if (w) {
      this.waiters.delete(k)
      w.resolve(v)
    } else {
      this.values.set(k, v)
    }
  }

  get size(): number {
    return this.values.size
  }

  async take(k: number): Promise<T> {
    if (this.error) throw this.error
    const v = this.values.get(k)
    if (v !== undefined) {
      this.values.delete(k)
      return v
    }
    return new Promise((resolve, reject) => this.waiters.set(k, {resolve, reject}))
  }

  fail(e: Error): void {
    this.error = e
    for (const w of this.waiters.values()) w.reject(e)
    this.waiters.clear()
  }
}

function protocol(msg: string): ProtocolError {
  return new ProtocolError('E_BAD_FRAME', msg)
}

// ---------------------------------------------------------------- source

interface Outstanding {
  seg: Segment
  /** Coarse block indexes waiting for refine hashes; null once answered. */
  refine: number[] | null
}

export async function runSource(ch: Channel, disk: Disk, plan: Plan, hooks: EngineHooks = {}, seed: Buffer): Promise<EngineResult> {
  const layout = new Layout(plan)
  const h = new BlockHasher(seed)
  const digest = h.digest()
  const pool = new BufferPool(layout.segSize, READ_AHEAD + WINDOW + 2)
  ch.onFail(() => pool.close())
  const reader = new Reader(disk, layout, pool, h, () => false)
  const manifests = new Mailbox<Theirs>()
  const outstanding: Outstanding[] = []
  const stats = emptyStats()
  let blocks = 0
  let nextManifest = 0
  let windowWaiter: (() => void) | null = null
  /** Outstanding segments that hold a buffer. */
  let leased = 0
  const windowFull = (): boolean => leased >= WINDOW || outstanding.length >= MAX_OPEN
  let finished: {resolve: (m: Frame & {kind: 'finished'}) => void; reject: (e: Error) => void} | null = null
  const finishedP = new Promise<Frame & {kind: 'finished'}>((resolve, reject) => { finished = {resolve, reject} })
  finishedP.catch(() => {})

  const fail = (err: BlockpairError): void => {
    manifests.fail(err)
    finished?.reject(err)
    windowWaiter?.()
  }
  ch.onFail(fail)

  const differences: Range[] = []
  const note = (offset: number, length: number): void => {
    const last = differences[differences.length - 1]
    if (last && last.offset + last.length === offset) last.length += length
    else if (differences.length < MAX_RANGES) differences.push({offset, length})
  }
  const limiter = hooks.bwlimit ? new RateLimiter(hooks.bwlimit) : null

  const run = new RunSender((kind, seg, from, to) => {
    const offset = seg.offset + from
    if (plan.dryRun) note(offset, to - from)
    if (kind === 'zero') {
      stats.bytesZeroed += to - from
      if (!plan.dryRun) ch.send('zero', {offset, length: to - from})
      return
    }
    stats.bytesSent += to - from
    limiter?.add(to - from)
    if (plan.dryRun) return
    const lease = seg.lease as Lease
    lease.ref()
    ch.sendData(offset, lease.buf.subarray(from, to), () => lease.unref())
  })

  /** Send SegmentEnd for every finished segment at the head, in order. */
  const flushEnds = (): void => {
    // Consecutive finished segments end in one frame.
    let first = -1
    let count = 0
    while (outstanding.length > 0 && (outstanding[0] as Outstanding).refine === null) {
      const o = outstanding.shift() as Outstanding
      if (o.seg.lease) leased--
      if (count === 0) first = o.seg.k
      count++
      o.seg.lease?.unref()
      hooks.onProgress?.(o.seg.offset + o.seg.length - plan.start)
    }
    if (count > 0) ch.send('segmentEnd', count > 1 ? {segment: first, count} : {segment: first})
    if (!windowFull() && windowWaiter) {
      const w = windowWaiter
      windowWaiter = null
      w()
    }
  }

  const onRefineHashes = (k: number, hashes: Buffer): void => {
    const o = outstanding.find(x => x.refine !== null)
    if (!o || o.seg.k !== k) throw protocol(`refine hashes for segment ${k} were not asked for`)
    const list = o.refine as number[]
    const seg = o.seg
    const buf = (seg.lease as Lease).buf
    let expected = 0
    for (const i of list) expected += layout.blocksIn(Math.min(plan.blockSize, seg.length - i * plan.blockSize), FINE)
    if (hashes.length !== expected * HASH_BYTES) throw protocol(`refine hashes for segment ${k} have ${hashes.length} bytes, expected ${expected * HASH_BYTES}`)
    const mine = Buffer.allocUnsafe(layout.blocksIn(plan.blockSize, FINE) * HASH_BYTES)
    let at = 0
    for (const i of list) {
      const bFrom = i * plan.blockSize
      const bTo = Math.min(bFrom + plan.blockSize, seg.length)
      h.hashBlocks(buf.subarray(bFrom, bTo), FINE, mine, 0)
      for (let p = bFrom, j = 0; p < bTo; p += FINE, j += HASH_BYTES, at += HASH_BYTES) {
        if (!hashEquals(mine, j, hashes, at)) {
          const piece = buf.subarray(p, Math.min(p + FINE, bTo))
          run.add(isZero(piece) ? 'zero' : 'data', seg, p, p + piece.length)
        }
      }
    }
    run.flush()
    o.refine = null
    flushEnds()
  }

  ch.listen(f => {
    try {
      switch (f.kind) {
        case 'manifest': {
          const k = f.msg.segment ?? -1
          const count = Math.max(1, f.msg.count ?? 0)
          // knownZero holds from some segment to the end: checking the last one covers the run.
          if (k !== nextManifest || count > HOLE_RUN || k + count > layout.segments || layout.knownZero(k + count - 1)) {
            throw protocol(`unexpected manifest for segment ${k} (count ${count})`)
          }
          nextManifest += count
          if (manifests.size + count > MAX_OPEN + READ_AHEAD + 2) throw protocol('the destination sent manifests too far ahead')
          if (count > 1) {
            if ((f.msg.hashes?.length ?? 0) > 0 || (f.msg.zeros?.length ?? 0) > 0) throw protocol(`the manifest for the hole run at segment ${k} carries hashes`)
            for (let j = k; j < k + count; j++) manifests.put(j, null)
            return
          }
          const hashes = unpackManifest(h, layout, k, Buffer.from(f.msg.hashes ?? []), Buffer.from(f.msg.zeros ?? []))
          if (hashes === undefined) throw protocol(`manifest for segment ${k} does not match its ${layout.blocksIn(layout.segLength(k))} blocks`)
          manifests.put(k, hashes)
          return
        }
        case 'refineHashes':
          onRefineHashes(f.msg.segment ?? -1, Buffer.from(f.msg.hashes ?? []))
          return
        case 'checkpoint': {
          const off = f.msg.offset ?? -1
          if (off < plan.start || off > plan.end) throw protocol(`checkpoint at ${off} is outside the range`)
          hooks.onCheckpoint?.(off)
          return
        }
        case 'finished':
          finished?.resolve(f)
          return
        default:
          throw protocol(`unexpected ${f.kind} frame during the sync`)
      }
    } catch (err) {
      ch.abort(err as BlockpairError)
    }
  })

  for (let k = 0; k < layout.segments; k++) {
    if (ch.failure) throw ch.failure
    const {seg, hashes: mine, holes} = await reader.get(k)
    digest.update(mine)
    const theirs = layout.knownZero(k) ? null : await manifests.take(k)
    const n = mine.length / HASH_BYTES
    blocks += n
    const refine: number[] = []
    // Hole against zeros (most of a sparse image): nothing to compare.
    const bothZero = !seg.lease && theirs === null
    for (let i = 0; i < n && !bothZero; i++) {
      const at = i * HASH_BYTES
      const from = i * plan.blockSize
      const to = Math.min(from + plan.blockSize, seg.length)
      const zero = h.zeroHash(to - from)
      // A block with the zero hash is checked byte by byte, unless it lies in a
      // hole: in a sparse image most blocks do, and checking them was most of the CPU.
      const srcZero = holes[i] === 1 || (hashEquals(mine, at, zero, 0) && isZero((seg.lease as Lease).buf.subarray(from, to)))
      const dstZero = theirs === null || hashEquals(theirs, at, zero, 0)
      if (theirs ? hashEquals(mine, at, theirs, at) : srcZero) continue
      stats.blocksChanged++
      if (srcZero) {
        run.add('zero', seg, from, to)
      } else if (dstZero) {
        // The destination holds zeros here: refine against zeros without asking.
        const buf = (seg.lease as Lease).buf
        for (let p = from; p < to; p += FINE) {
          const pTo = Math.min(p + FINE, to)
          if (!isZero(buf.subarray(p, pTo))) run.add('data', seg, p, pTo)
        }
      } else if (plan.blockSize === FINE) {
        run.add('data', seg, from, to)
      } else {
        refine.push(i)
      }
    }
    run.flush()
    outstanding.push({seg, refine: refine.length > 0 ? refine : null})
    if (seg.lease) leased++
    if (refine.length > 0) ch.send('refine', {segment: k, blocks: refine})
    // Holes that match end together, in one frame per HOLE_RUN of them.
    if (!bothZero || outstanding.length >= HOLE_RUN) flushEnds()
    await ch.drain()
    await limiter?.pace()
    while (windowFull() && !ch.failure) {
      await new Promise<void>(resolve => { windowWaiter = resolve })
    }
  }
  flushEnds()
  while (outstanding.length > 0 && !ch.failure) {
    await new Promise<void>(resolve => { windowWaiter = resolve })
  }
  if (ch.failure) throw ch.failure
  stats.bytesRead = disk.bytesRead
  const mineDigest = digest.digest()
  const sourceChanged = (await hooks.sourceChanged?.()) ?? false
  ch.send('finish', {digest: mineDigest, stats, sourceChanged, diffOffsets: differences.map(r => r.offset), diffLengths: differences.map(r => r.length)})
  const fin = await finishedP
  const theirs = Buffer.from(fin.msg.digest ?? [])
  if (!plan.dryRun && !theirs.equals(mineDigest)) {
    const err = new IoError('E_DIGEST_MISMATCH', 'the destination does not match the source after the sync (digest mismatch); run the sync again, and check the destination disk if it repeats')
    ch.abort(err)
    throw err
  }
  pool.close()
  if (plan.verify && !fin.msg.verified) throw verifyFailed()
  return {blocks, ...stats, digest: mineDigest, peer: fin.msg.stats ?? {}, differences, verified: !!plan.verify, sourceChanged} as EngineResult
}

// ----------------------------------------------------------- destination

interface Held {
  seg: Segment
  hashes: Buffer
  /** Blocks whose bytes in the buffer are stale (see Hashed.holes); empty when the segment had no buffer. */
  holes: Uint8Array
  /** Coarse blocks written in this segment: rehashed at its end. */
  touched: Set<number>
  /** A Refine was answered: the source asks once per segment, so a second is a flood. */
  refined?: boolean
}

export async function runDest(ch: Channel, disk: Disk | null, plan: Plan, hooks: EngineHooks = {}, seed: Buffer): Promise<EngineResult> {
  const layout = new Layout(plan)
  const h = new BlockHasher(seed)
  const digest = h.digest()
  const pool = new BufferPool(layout.segSize, READ_AHEAD + WINDOW + 2)
  ch.onFail(() => pool.close())
  // Without a file (a dry run to a missing destination) everything is known zero.
  const reader = new Reader(disk as Disk, layout, pool, h, k => !disk || layout.knownZero(k))
  const held = new Map<number, Held>()
  const stats = emptyStats()
  let nextEnd = 0
  let blocks = 0
  let lastCheckpoint = {at: Date.now(), offset: plan.start}
  let finish: {resolve: (f: Frame & {kind: 'finish'}) => void; reject: (e: Error) => void} | null = null
  const finishP = new Promise<Frame & {kind: 'finish'}>((resolve, reject) => { finish = {resolve, reject} })
  finishP.catch(() => {})
  let slotWaiter: (() => void) | null = null

  // Disk operations go through a queue; the channel pauses while too many
  // bytes wait in it, so a fast peer cannot grow our memory.
  const writes = new WriteQueue(WRITES_IN_FLIGHT, err => ch.abort(err))
  let queuedBytes = 0
  let paused = false
  let flushing: Promise<void> | null = null
  const charge = (bytes: number): void => {
    queuedBytes += bytes
    if (queuedBytes > WRITE_HIGH && !paused) {
      paused = true
      ch.pause()
    }
  }
  const release = (bytes: number): void => {
    queuedBytes -= bytes
    if (paused && queuedBytes < WRITE_HIGH / 2) {
      paused = false
      ch.resume()
    }
  }
  const enqueue = (bytes: number, op: () => Promise<void>, barrier = false): void => {
    charge(bytes)
    writes.push(async () => {
      try {
        await op()
      } finally {
        release(bytes)
      }
    }, barrier)
  }

  const payloads = new PayloadBuffers()
  ch.payloadAllocator = n => payloads.take(n)
  interface Piece {payload: Buffer; offset: number; cost: number}
  const small = new WriteBatcher<Piece>(writes, async batch => {
    try {
      await (disk as Disk).writeBatch(batch.map(p => p.payload), batch.map(p => p.offset))
    } finally {
      for (const p of batch) {
        release(p.cost)
        payloads.recycle(p.payload)
      }
    }
  })

  ch.onFail(err => {
    finish?.reject(err)
    slotWaiter?.()
  })

  if (!plan.dryRun) await (disk as Disk).resize(plan.size)

  /** Held segments that pin a buffer (all-hole ones do not, until patched). */
  const leasedHeld = (): number => {
    let n = 0
    for (const x of held.values()) if (x.seg.lease) n++
    return n
  }

  /** The open segment that holds [offset, offset+length), checked against the plan. */
  const target = (offset: number, length: number): Held => {
    if (!(length > 0) || offset < plan.start || offset + length > plan.end) {
      throw protocol(`write of ${length} bytes at ${offset} is outside the range [${plan.start}, ${plan.end})`)
    }
    const k = layout.segmentOf(offset)
    if (offset + length > layout.segStart(k) + layout.segLength(k)) throw protocol(`write at ${offset} crosses a segment boundary`)
    if (k < nextEnd) throw protocol(`write to segment ${k} after its end`)
    let x = held.get(k)
    if (!x) {
      // Only the part known to be zero has no manifest to wait for.
      if (!layout.knownZero(k)) throw protocol(`write to segment ${k} before its manifest`)
      if (held.size >= MAX_OPEN + WINDOW + 2) throw protocol('too many segments open at once')
      x = {seg: {k, offset: layout.segStart(k), length: layout.segLength(k), lease: null, extents: []},
        hashes: Buffer.alloc(0), holes: new Uint8Array(0), touched: new Set()}
      held.set(k, x)
    }
    return x
  }

  /** Give a held segment a buffer to patch, so its final hashes can be computed. */
  const patchable = (x: Held): Buffer => {
    if (!x.seg.lease) {
      // An honest source sends data from at most WINDOW segments at once,
      // beside the WINDOW we read; each patched one pins a segment buffer.
      if (leasedHeld() >= WINDOW * 2 + 2) throw protocol('too many segments open at once')
      x.seg.lease = new Lease(pool, pool.takeNow().fill(0))
      x.holes = new Uint8Array(0)
    }
    return x.seg.lease.buf
  }

  /** Zero-fill the never-filled hole blocks of x's buffer within [from, to), before bytes go there. */
  const unhole = (x: Held, from: number, to: number): void => {
    const buf = x.seg.lease?.buf
    if (!buf) return
    const bs = plan.blockSize
    for (let i = Math.floor(from / bs); i * bs < to && i < x.holes.length; i++) {
      if (x.holes[i] === 1) {
        buf.fill(0, i * bs, Math.min((i + 1) * bs, x.seg.length))
        x.holes[i] = 0
      }
    }
  }

  const touch = (x: Held, from: number, to: number): void => {
    for (let i = Math.floor(from / plan.blockSize); i * plan.blockSize < to; i++) x.touched.add(i)
  }

  const onData = (offset: number, payload: Buffer): void => {
    const x = target(offset, payload.length)
    const from = offset - x.seg.offset
    stats.bytesWritten += payload.length
    if (plan.dryRun) return
    const to = from + payload.length
    const bs = plan.blockSize
    if (from % bs === 0 && (to % bs === 0 || to === x.seg.length)) {
      // Whole blocks: hash them straight from the payload, so a new
      // destination needs no zeroed copy of each segment for its digest.
      if (x.hashes.length === 0) x.hashes = zeroHashes(h, x.seg.length, bs)
      h.hashBlocks(payload, bs, x.hashes, (from / bs) * HASH_BYTES)
      for (let b = from; b < to; b += bs) x.touched.delete(b / bs)
      unhole(x, from, to)
      if (x.seg.lease) payload.copy(x.seg.lease.buf, from)
    } else {
      const buf = patchable(x)
      unhole(x, from, to)
      payload.copy(buf, from)
      touch(x, from, to)
    }
    const cost = payloads.cost(payload)
    if (payload.length < BATCH_BELOW) {
      charge(cost)
      small.add({payload, offset, cost})
    } else {
      enqueue(cost, () => (disk as Disk).write(payload, offset).finally(() => payloads.recycle(payload)))
    }
  }

  const onZero = (offset: number, length: number): void => {
    const x = target(offset, length)
    const from = offset - x.seg.offset
    stats.bytesZeroed += length
    if (plan.dryRun) return
    unhole(x, from, from + length)
    if (x.seg.lease) x.seg.lease.buf.fill(0, from, from + length)
    touch(x, from, from + length)
    // Counted as a small write: a flood of Zero frames must fill the queue too.
    enqueue(FINE, () => (disk as Disk).zero(offset, length))
  }

  const onRefine = (k: number, list: number[]): void => {
    const x = held.get(k)
    if (!x || layout.knownZero(k)) throw protocol(`refine for segment ${k}, which has no manifest`)
    if (x.refined) throw protocol(`a second refine for segment ${k}`)
    x.refined = true
    const n = layout.blocksIn(x.seg.length)
    let count = 0
    let prev = -1
    for (const i of list) {
      if (!(i > prev && i < n)) throw protocol(`refine for segment ${k} names block ${i} out of order or range`)
      prev = i
      count += layout.blocksIn(Math.min(plan.blockSize, x.seg.length - i * plan.blockSize), FINE)
    }
    const out = Buffer.allocUnsafe(count * HASH_BYTES)
    let at = 0
    for (const i of list) {
      const bFrom = i * plan.blockSize
      const bTo = Math.min(bFrom + plan.blockSize, x.seg.length)
      if (x.seg.lease && x.holes[i] !== 1) h.hashBlocks(x.seg.lease.buf.subarray(bFrom, bTo), FINE, out, at)
      else h.zeroHashes(bTo - bFrom, FINE).copy(out, at)
      at += layout.blocksIn(bTo - bFrom, FINE) * HASH_BYTES
    }
    ch.send('refineHashes', {segment: k, hashes: out})
  }

  const onSegmentEnd = (k: number): void => {
    if (k !== nextEnd || k >= layout.segments) throw protocol(`segment ${k} ended out of order (expected ${nextEnd})`)
    const x = held.get(k)
    if (!x && !layout.knownZero(k)) throw protocol(`segment ${k} ended before its manifest`)
    const seg = x?.seg ?? {k, offset: layout.segStart(k), length: layout.segLength(k), lease: null, extents: []}
    let hashes = x && x.hashes.length > 0 ? x.hashes : null
    const rehash = x !== undefined && x.seg.lease !== null && x.touched.size > 0
    // The shared zero hashes only when nothing is written into them.
    if (!hashes) hashes = rehash ? zeroHashes(h, seg.length, plan.blockSize) : h.zeroHashes(seg.length, plan.blockSize)
    if (x && x.seg.lease && rehash) {
      for (const i of x.touched) {
        const from = i * plan.blockSize
        const to = Math.min(from + plan.blockSize, seg.length)
        h.hashInto(x.seg.lease.buf.subarray(from, to), hashes, i * HASH_BYTES)
      }
    }
    digest.update(hashes)
    x?.seg.lease?.unref()
    held.delete(k)
    nextEnd++
    blocks += hashes.length / HASH_BYTES
    const done = seg.offset + seg.length
    hooks.onProgress?.(done - plan.start)
    if (slotWaiter) {
      const w = slotWaiter
      slotWaiter = null
      w()
    }
    const due = Date.now() - lastCheckpoint.at >= CHECKPOINT_MS || done - lastCheckpoint.offset >= CHECKPOINT_BYTES
    if (due && !plan.dryRun && done < plan.end && !flushing) {
      lastCheckpoint = {at: Date.now(), offset: done}
      small.seal()
      // A barrier: it starts once every write queued before it (all of them
      // below `done`) has returned. fdatasync makes durable what was written
      // before it was called, so it then runs beside the writes that follow
      // instead of stalling them at disk speed.
      enqueue(0, async () => {
        flushing = (disk as Disk).sync().then(() => {
          ch.send('checkpoint', {offset: done})
          hooks.onCheckpoint?.(done)
        }, (err: BlockpairError) => writes.fail(err)).finally(() => { flushing = null })
      }, true)
    }
  }

  ch.listen(f => {
    try {
      switch (f.kind) {
        case 'data': return onData(f.msg.offset ?? -1, f.payload as Buffer)
        case 'zero': return onZero(f.msg.offset ?? -1, f.msg.length ?? 0)
        case 'refine': return onRefine(f.msg.segment ?? -1, f.msg.blocks ?? [])
        case 'segmentEnd': {
          const k = f.msg.segment ?? -1
          // Each one is checked in turn: a count past what is open fails at the first that is not.
          for (let j = 0; j < Math.max(1, f.msg.count ?? 0); j++) onSegmentEnd(k + j)
          return
        }
        case 'finish':
          if (nextEnd !== layout.segments) throw protocol(`finish before all segments ended (${nextEnd} of ${layout.segments})`)
          finish?.resolve(f)
          return
        default:
          throw protocol(`unexpected ${f.kind} frame during the sync`)
      }
    } catch (err) {
      ch.abort(err as BlockpairError)
    }
  })

  // Read ahead, hash, and send manifests for the part that may hold data.
  // Reading and hashing run ahead of the window; only sending waits for it,
  // so the disk stays busy while the source catches up.
  const hasManifest = (k: number): boolean => !!disk && k < layout.segments && !layout.knownZero(k)
  let next: Hashed | null = null
  for (let k = 0; hasManifest(k);) {
    const {seg, hashes, holes} = next ?? await reader.get(k)
    next = null
    while ((leasedHeld() >= WINDOW || held.size >= MAX_OPEN) && !ch.failure) {
      await new Promise<void>(resolve => { slotWaiter = resolve })
    }
    if (ch.failure) {
      seg.lease?.unref()
      break
    }
    held.set(k, {seg, hashes, holes, touched: new Set()})
    if (seg.lease) {
      ch.send('manifest', {segment: k, ...packManifest(h, layout, k, hashes, false)})
      k++
    } else {
      // A run of all-hole segments: one manifest for all of them.
      let count = 1
      while (count < HOLE_RUN && held.size < MAX_OPEN && hasManifest(k + count) && !ch.failure) {
        const n = await reader.get(k + count)
        if (n.seg.lease) {
          next = n
          break
        }
        held.set(k + count, {seg: n.seg, hashes: n.hashes, holes: n.holes, touched: new Set()})
        count++
      }
      ch.send('manifest', count > 1 ? {segment: k, count} : {segment: k, ...packManifest(h, layout, k, hashes, true)})
      k += count
    }
    await ch.drain()
  }
  next?.seg.lease?.unref()

  const fin = await finishP
  await writes.idle()
  await flushing
  if (writes.error) throw writes.error
  if (!plan.dryRun) await (disk as Disk).sync()
  pool.close()
  const mine = digest.digest()
  const theirs = Buffer.from(fin.msg.digest ?? [])
  const verified = plan.verify && !plan.dryRun ? (await rereadDigest(disk as Disk, layout, h, ch)).equals(theirs) : false
  stats.bytesRead = disk?.bytesRead ?? 0
  ch.send('finished', {digest: mine, stats, verified})
  if (!plan.dryRun && !theirs.equals(mine)) {
    throw new IoError('E_DIGEST_MISMATCH', 'the destination does not match the source after the sync (digest mismatch); run the sync again, and check the destination disk if it repeats')
  }
  if (plan.verify && !verified) throw verifyFailed()
  return {blocks, ...stats, digest: mine, peer: fin.msg.stats ?? {}, differences: rangesOf(fin.msg, plan), verified, sourceChanged: !!fin.msg.sourceChanged} as EngineResult
}

/** The differing ranges a source reported, checked against the plan. */
function rangesOf(m: {diffOffsets?: number[] | null; diffLengths?: number[] | null}, plan: Plan): Range[] {
  const offsets = m.diffOffsets ?? []
  const lengths = m.diffLengths ?? []
  if (offsets.length !== lengths.length || offsets.length > MAX_RANGES) throw protocol('finish carries a malformed list of differences')
  return offsets.map((offset, i) => {
    const length = lengths[i] as number
    if (!(offset >= plan.start && length > 0 && offset + length <= plan.end)) throw protocol(`difference at ${offset}+${length} is outside the range`)
    return {offset, length}
  })
}

function verifyFailed(): BlockpairError {
  return new BlockpairError('E_VERIFY_MISMATCH', EXIT.DIFFERENT, 'verify: the destination read back from disk does not match the source; the disk or something else writing to it changed the data; run the sync again')
}

/**
 * The digest of the destination as it is on disk: its cached pages are
 * dropped first (they are clean after fdatasync), so the re-read comes from
 * the device, not from what we just wrote into memory.
 */
async function rereadDigest(disk: Disk, layout: Layout, h: BlockHasher, ch: Channel): Promise<Buffer> {
  const {start, end} = layout.plan
  fadvise(disk.fd, start, end - start, 'dontneed')
  const pool = new BufferPool(layout.segSize, READ_AHEAD + 1)
  const reader = new Reader(disk, layout, pool, h, () => false)
  const digest = h.digest()
  let quietSince = Date.now()
  for (let k = 0; k < layout.segments; k++) {
    if (ch.failure) throw ch.failure
    if (Date.now() - quietSince > KEEPALIVE_MS) {
      ch.send('keepalive', {})
      quietSince = Date.now()
    }
    const {seg, hashes} = await reader.get(k)
    digest.update(hashes)
    seg.lease?.unref()
  }
  pool.close()
  return digest.digest()
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

/** Paces the source so block data leaves at no more than `rate` bytes per second. */
class RateLimiter {
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
