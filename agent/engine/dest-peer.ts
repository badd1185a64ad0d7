// The destination's side of a sync (see the DEV DOCS in engine.ts): it reads
// and hashes each segment and sends its manifest, answers refines with
// 4 KiB hashes, and hands what the source sends to its DestWriter. It holds
// every segment from its manifest to its SegmentEnd, patching a copy of the
// segment's bytes so that the digest covers what the disk now holds. The
// peer's state lives in fields; each message the source sends has one
// handler (onData, onZero, onRefine, onSegmentEnd, onFinish).
//
// With a hash cache (hooks.cache, agent/track/cache.ts) a segment the cache
// covers is not read: its manifest comes from the cache, and it is held
// without a buffer. Only a Refine makes this end read, and only the coarse
// blocks it names, before it answers; so the answers are chained to keep
// their order. Partial writes can then only land in a block that was read
// for a refine or that the cache says is all zero, and a zero-filled buffer
// with the refined blocks read into it is what the final rehash needs. A
// segment the cache does not hold as it is now (the one with the old end,
// after the file grew or shrank, where the cached last block is partial) is
// read as before. Blocks the cache marks unknown (written by a sync that
// read only tracked ranges) are read and hashed before the manifest goes.

import type {BlockpairError} from '../errors.js'
import type {Channel} from '../wire/channel.js'
import type {Disk} from '../disk/disk.js'
import {forEachPiece, type Frame, type Message} from '../../proto/codec.js'
import {HASH_BYTES} from './hash.js'
import {Lease} from './pool.js'
import type {Hashed} from './layout.js'
import {fineHashes, packManifest, zeroAsHole, zeroHashes} from './manifest.js'
import {rereadDigest} from './reader.js'
import {Peer} from './peer.js'
import {checkAllEnded, dispatch, endedSegments} from './dispatch.js'
import {DestWriter} from './dest-writer.js'
import {RateLimiter} from './rate.js'
import {Deferred, digestMismatch, HOLE_RUN, LOCAL_WINDOW, MAX_OPEN, MAX_RANGES, protocol, verifyFailed, WINDOW,
  type EngineHooks, type EngineResult, type HashCache, type Plan, type Range} from './plan.js'

/** A segment between its manifest (or first write, when known zero) and its end. */
interface Held extends Hashed {
  /** Coarse blocks written in this segment: rehashed at its end. */
  touched: Set<number>
  /** A Refine was answered: the source asks once per segment, so a second is a flood. */
  refined?: boolean
  /** Its hashes came from the hash cache: nothing of it is read but what a refine names. */
  cached?: boolean
  /** A refine's blocks are being read. */
  reading?: boolean
  /** Blocks of a cached segment read already (the cache did not know them): a refine does not read them again. */
  loaded?: ReadonlySet<number>
}

type Finish = Frame & {kind: 'finish'}

/**
 * Segment buffers of a destination: the LOCAL_WINDOW segments it holds and
 * one read ahead. Reading further ahead while the window is full only
 * touches more memory (4 MiB a segment, issue 19): the read of the next
 * segment starts as soon as a held one ends, and takes far less time than
 * the round trip the window waits for. Holes take no buffer, so a sparse
 * image still reads ahead over them.
 */
const DEST_BUFFERS = LOCAL_WINDOW + 1

/** A segment as hashed, read or taken from the hash cache (`loaded`: its blocks read already, the cache's unknown ones). */
type Cachable = Hashed & {cached?: boolean; loaded?: ReadonlySet<number>}

export async function runDest(ch: Channel, disk: Disk | null, plan: Plan, hooks: EngineHooks = {}, seed: Buffer): Promise<EngineResult> {
  return new DestPeer(ch, disk, plan, hooks, seed).run()
}

export class DestPeer extends Peer {
  private readonly writer: DestWriter
  private readonly held = new Map<number, Held>()
  private readonly finish = new Deferred<Finish>()
  private nextEnd = 0
  private slotWaiter: (() => void) | null = null
  /** The hash cache, when the plan reads everything (tracked ranges hash as zeros, which a cache is not). */
  private readonly cache: HashCache | null
  /** Refine answers in order, once their blocks are read (a cached segment's). */
  private refines: Promise<void> = Promise.resolve()
  /** Why reading is paused (see holdReading). */
  private readonly holds = new Set<'writer' | 'rate'>()
  private readonly limiter: RateLimiter | null
  private paceTimer: NodeJS.Timeout | undefined

  /** `disk` is null in a dry run to a missing destination: everything is known zero. */
  constructor(ch: Channel, private readonly disk: Disk | null, plan: Plan, hooks: EngineHooks, seed: Buffer) {
    super(ch, disk, plan, hooks, seed, k => !disk || this.layout.knownZero(k) || this.covers(k), DEST_BUFFERS)
    this.cache = disk && hooks.cache && !plan.ranges ? hooks.cache : null
    this.limiter = hooks.bwlimit ? new RateLimiter(hooks.bwlimit) : null
    this.writer = new DestWriter(disk as Disk, {
      pause: () => this.holdReading('writer', true),
      resume: () => this.holdReading('writer', false),
      fail: err => ch.abort(err),
      // The stamp is read after fdatasync: a resume trusts the checkpoint only while it has not moved (agent/session/resume.ts).
      durable: async offset => {
        const stamp = await (disk as Disk).stamp()
        ch.send('checkpoint', {offset, stamp: stamp ?? ''})
        hooks.onCheckpoint?.(offset, stamp)
      },
    }, plan.start)
    ch.payloadAllocator = n => this.writer.take(n)
    ch.onFail(err => this.onFail(err))
  }

  async run(): Promise<EngineResult> {
    if (!this.plan.dryRun) await (this.disk as Disk).resize(this.plan.size)
    dispatch(this.ch, {
      data: f => this.onData(f.msg, f.payload as Buffer),
      zero: f => this.onZero(f.msg.offset ?? -1, f.msg.length ?? 0),
      refine: f => this.onRefine(f.msg.segment ?? -1, f.msg.blocks ?? []),
      segmentEnd: f => this.onSegmentEnd(f.msg),
      finish: f => this.onFinish(f),
    })
    try {
      await this.sendManifests()
      return await this.finishUp(await this.finish.promise)
    } catch (err) {
      // Regression (issue 15): writes still running after a failure changed the file after its stamp was recorded.
      await this.writer.halt(err as BlockpairError)
      throw err
    }
  }

  private onFail(err: BlockpairError): void {
    this.finish.reject(err)
    this.slotWaiter?.()
    // The end of the session is read like any frame: a --bwlimit pause ends now, not when due.
    clearTimeout(this.paceTimer)
    this.holdReading('rate', false)
  }

  /** Reading pauses while the writer is behind or --bwlimit holds it; it resumes when neither does. */
  private holdReading(reason: 'writer' | 'rate', on: boolean): void {
    if (on) this.holds.add(reason)
    else this.holds.delete(reason)
    if (this.holds.size > 0) this.ch.pause()
    else this.ch.resume()
  }

  /** --bwlimit at this end: after block data over the rate, read nothing until it is due (see rate.ts). */
  private pace(bytes: number): void {
    if (!this.limiter) return
    this.limiter.add(bytes)
    const due = this.limiter.due()
    if (due <= 1 || this.holds.has('rate')) return
    this.holdReading('rate', true)
    this.paceTimer = setTimeout(() => this.holdReading('rate', false), due)
  }

  /** Block data: one payload, or pieces of one (all checked before any is written). */
  private onData(msg: Message<'data'>, payload: Buffer): void {
    this.pace(payload.length)
    const pieces = msg.pieceOffsets
    if (pieces && pieces.length > 0) {
      forEachPiece(msg, payload, (offset, bytes) => this.patch(offset, bytes))
      if (!this.plan.dryRun) this.writer.writePieces(payload, pieces, msg.pieceLengths as number[])
      return
    }
    const offset = msg.offset ?? -1
    this.patch(offset, payload)
    if (!this.plan.dryRun) this.writer.write(payload, offset)
  }

  /** Bytes the source sends for [offset, offset+length): checked, and taken into the segment's hashes. */
  private patch(offset: number, payload: Buffer): void {
    const x = this.target(offset, payload.length)
    const from = offset - x.seg.offset
    this.stats.bytesWritten += payload.length
    if (this.plan.dryRun) return
    this.hooks.onWritten?.(offset, payload.length)
    const to = from + payload.length
    const bs = this.plan.blockSize
    if (from % bs === 0 && (to % bs === 0 || to === x.seg.length)) {
      // Whole blocks: hash them straight from the payload, so a new
      // destination needs no zeroed copy of each segment for its digest.
      if (x.hashes.length === 0) x.hashes = zeroHashes(this.h, x.seg.length, bs)
      this.h.hashBlocks(payload, bs, x.hashes, (from / bs) * HASH_BYTES)
      for (let b = from; b < to; b += bs) x.touched.delete(b / bs)
      this.unhole(x, from, to)
      if (x.seg.lease) payload.copy(x.seg.lease.buf, from)
    } else {
      const buf = this.patchable(x)
      this.unhole(x, from, to)
      payload.copy(buf, from)
      this.touch(x, from, to)
    }
  }

  private onZero(offset: number, length: number): void {
    const x = this.target(offset, length)
    const from = offset - x.seg.offset
    this.stats.bytesZeroed += length
    if (this.plan.dryRun) return
    this.hooks.onWritten?.(offset, length)
    // A cached block's hash is not a zero one: the zeroed blocks are rehashed from a buffer.
    if (x.cached) this.patchable(x)
    this.unhole(x, from, from + length)
    if (x.seg.lease) x.seg.lease.buf.fill(0, from, from + length)
    this.touch(x, from, from + length)
    this.writer.zero(offset, length)
  }

  private onRefine(k: number, list: number[]): void {
    const {layout, h} = this
    const x = this.held.get(k)
    if (!x || layout.knownZero(k)) throw protocol(`refine for segment ${k}, which has no manifest`)
    if (x.refined) throw protocol(`a second refine for segment ${k}`)
    x.refined = true
    if (!this.cache) {
      this.ch.send('refineHashes', {segment: k, hashes: fineHashes(h, layout, k, x, list)})
      return
    }
    if (x.cached) {
      x.reading = true
      this.patchable(x)
    }
    this.refines = this.refines
      .then(() => (x.cached ? this.readBlocks(x.seg, x.loaded ? list.filter(i => !x.loaded?.has(i)) : list) : undefined))
      .then(() => {
        x.reading = false
        if (!this.ch.failure) this.ch.send('refineHashes', {segment: k, hashes: fineHashes(h, layout, k, x, list)})
      })
      .catch(err => this.ch.abort(err))
  }

  /** Read the named coarse blocks of a cached segment into its buffer, adjacent ones in one read. */
  private async readBlocks(seg: Hashed['seg'], list: readonly number[]): Promise<void> {
    const bs = this.plan.blockSize
    const buf = (seg.lease as Lease).buf
    for (let j = 0; j < list.length;) {
      let last = j
      while (last + 1 < list.length && list[last + 1] === (list[last] as number) + 1) last++
      const from = (list[j] as number) * bs
      const to = Math.min(((list[last] as number) + 1) * bs, seg.length)
      await (this.disk as Disk).readRange(buf.subarray(from, to), seg.offset + from, to - from)
      j = last + 1
    }
  }

  /** Does the cache hold segment k's blocks as they are now (a shrink or growth leaves its old last block partial)? */
  private covers(k: number): boolean {
    const c = this.cache
    if (!c) return false
    const end = this.layout.segStart(k) + this.layout.segLength(k)
    return end <= c.size && (end % this.plan.blockSize === 0 || (end === c.size && c.size === this.plan.size))
  }

  /** Segment k as hashed: from the cache when it covers k, else read. */
  private async segmentAt(k: number): Promise<Cachable> {
    if (!this.covers(k)) return this.reader.get(k)
    const seg = this.layout.emptySegment(k)
    const hashes = (this.cache as HashCache).hashes(seg.offset, seg.length)
    const unknown = unknownBlocks(hashes)
    if (unknown.length === 0) return {seg, hashes, holes: new Uint8Array(0), cached: true}
    // Into a zeroed buffer, as a refine reads: a partial write may land in a block the cache says is zero.
    seg.lease = new Lease(this.pool, (await this.pool.acquire()).fill(0))
    await this.readBlocks(seg, unknown)
    const bs = this.plan.blockSize
    for (const i of unknown) this.h.hashInto(seg.lease.buf.subarray(i * bs, Math.min((i + 1) * bs, seg.length)), hashes, i * HASH_BYTES)
    return {seg, hashes, holes: new Uint8Array(0), cached: true, loaded: new Set(unknown)}
  }

  private onSegmentEnd(m: Message<'segmentEnd'>): void {
    // Each one is checked in turn: a count past what is open fails at the first that is not.
    for (const k of endedSegments(m)) this.endSegment(k)
  }

  private onFinish(f: Finish): void {
    checkAllEnded(this.nextEnd, this.layout.segments)
    this.finish.resolve(f)
  }

  /** Segment k is complete: its final hashes go into the digest, and a checkpoint may follow. */
  private endSegment(k: number): void {
    const {layout, plan} = this
    if (k !== this.nextEnd || k >= layout.segments) throw protocol(`segment ${k} ended out of order (expected ${this.nextEnd})`)
    const x = this.held.get(k)
    if (!x && !layout.knownZero(k)) throw protocol(`segment ${k} ended before its manifest`)
    if (x?.reading) throw protocol(`segment ${k} ended before its refine was answered`)
    const hashes = this.finalHashes(k, x)
    this.digest.update(hashes)
    this.hooks.onFinalHashes?.(k, hashes)
    x?.seg.lease?.unref()
    this.held.delete(k)
    this.nextEnd++
    this.blocks += hashes.length / HASH_BYTES
    const done = layout.segStart(k) + layout.segLength(k)
    this.hooks.onProgress?.(done - plan.start, this.stats.bytesWritten)
    this.wakeSlot()
    if (!plan.dryRun) this.writer.segmentDone(done, plan.end)
  }

  /** The hashes of what segment k holds now: rehashed where it was patched. */
  private finalHashes(k: number, x: Held | undefined): Buffer {
    const bs = this.plan.blockSize
    const length = this.layout.segLength(k)
    const rehash = x !== undefined && x.seg.lease !== null && x.touched.size > 0
    let hashes = x && x.hashes.length > 0 ? x.hashes : null
    // The shared zero hashes only when nothing is written into them.
    if (!hashes) hashes = rehash ? zeroHashes(this.h, length, bs) : this.h.zeroHashes(length, bs)
    if (x && x.seg.lease && rehash) {
      for (const i of x.touched) {
        const from = i * bs
        const to = Math.min(from + bs, length)
        this.h.hashInto(x.seg.lease.buf.subarray(from, to), hashes, i * HASH_BYTES)
      }
    }
    return hashes
  }

  /** The open segment that holds [offset, offset+length), checked against the plan. */
  private target(offset: number, length: number): Held {
    const {layout, plan} = this
    if (!(length > 0) || offset < plan.start || offset + length > plan.end) {
      throw protocol(`write of ${length} bytes at ${offset} is outside the range [${plan.start}, ${plan.end})`)
    }
    const k = layout.segmentOf(offset)
    if (offset + length > layout.segStart(k) + layout.segLength(k)) throw protocol(`write at ${offset} crosses a segment boundary`)
    if (k < this.nextEnd) throw protocol(`write to segment ${k} after its end`)
    let x = this.held.get(k)
    if (!x) {
      // Only the part known to be zero has no manifest to wait for.
      if (!layout.knownZero(k)) throw protocol(`write to segment ${k} before its manifest`)
      if (this.held.size >= MAX_OPEN + WINDOW + 2) throw protocol('too many segments open at once')
      x = {seg: layout.emptySegment(k), hashes: Buffer.alloc(0), holes: new Uint8Array(0), touched: new Set()}
      this.held.set(k, x)
    }
    return x
  }

  /** Give a held segment a buffer to patch, so its final hashes can be computed. */
  private patchable(x: Held): Buffer {
    if (!x.seg.lease) {
      // An honest source sends data from at most WINDOW segments at once,
      // beside the LOCAL_WINDOW we read; each patched one pins a segment buffer.
      if (this.leasedHeld() >= WINDOW * 2 + 2) throw protocol('too many segments open at once')
      x.seg.lease = new Lease(this.pool, this.pool.takeNow().fill(0))
      x.holes = new Uint8Array(0)
    }
    return x.seg.lease.buf
  }

  /** Zero-fill the never-filled hole blocks of x's buffer within [from, to), before bytes go there. */
  private unhole(x: Held, from: number, to: number): void {
    const buf = x.seg.lease?.buf
    if (!buf) return
    const bs = this.plan.blockSize
    for (let i = Math.floor(from / bs); i * bs < to && i < x.holes.length; i++) {
      if (x.holes[i] === 1) {
        buf.fill(0, i * bs, Math.min((i + 1) * bs, x.seg.length))
        x.holes[i] = 0
      }
    }
  }

  private touch(x: Held, from: number, to: number): void {
    const bs = this.plan.blockSize
    for (let i = Math.floor(from / bs); i * bs < to; i++) x.touched.add(i)
  }

  /** Held segments that pin a buffer (all-hole ones do not, until patched). */
  private leasedHeld(): number {
    let n = 0
    for (const x of this.held.values()) if (x.seg.lease) n++
    return n
  }

  private windowFull(): boolean {
    return this.leasedHeld() >= LOCAL_WINDOW || this.held.size >= MAX_OPEN
  }

  private wakeSlot(): void {
    const w = this.slotWaiter
    this.slotWaiter = null
    w?.()
  }

  private hasManifest(k: number): boolean {
    return !!this.disk && k < this.layout.segments && !this.layout.knownZero(k)
  }

  /**
   * Read ahead, hash, and send manifests for the part that may hold data.
   * Reading and hashing run ahead of the window; only sending waits for it,
   * so the disk stays busy while the source catches up.
   */
  private async sendManifests(): Promise<void> {
    const {ch, h, layout} = this
    let next: Cachable | null = null
    for (let k = 0; this.hasManifest(k);) {
      const first = this.dropIfZero(next ?? await this.segmentAt(k))
      next = null
      while (this.windowFull() && !ch.failure) await new Promise<void>(resolve => { this.slotWaiter = resolve })
      if (ch.failure) {
        first.seg.lease?.unref()
        break
      }
      this.hold(k, first)
      if (first.seg.lease || first.cached) {
        ch.send('manifest', {segment: k, ...packManifest(h, layout, k, first.hashes, false)})
        k++
      } else {
        const run = await this.holeRun(k)
        next = run.next
        ch.send('manifest', run.count > 1 ? {segment: k, count: run.count} : {segment: k, ...packManifest(h, layout, k, first.hashes, true)})
        k += run.count
      }
      await ch.drain()
    }
    next?.seg.lease?.unref()
  }

  /** All-hole segments after hole k, held for one manifest; `next` is the first that holds data, read already. */
  private async holeRun(k: number): Promise<{count: number; next: Hashed | null}> {
    let count = 1
    while (count < HOLE_RUN && this.held.size < MAX_OPEN && this.hasManifest(k + count) && !this.covers(k + count) && !this.ch.failure) {
      const n = this.dropIfZero(await this.reader.get(k + count))
      if (n.seg.lease) return {count, next: n}
      this.hold(k + count, n)
      count++
    }
    return {count, next: null}
  }

  /** A segment read as all zeros is held like a hole (see zeroAsHole). */
  private dropIfZero(r: Cachable): Cachable {
    return zeroAsHole(this.h, this.plan.blockSize, r) ?? r
  }

  private hold(k: number, {seg, hashes, holes, cached, loaded}: Cachable): void {
    this.held.set(k, {seg, hashes, holes, touched: new Set(), cached, loaded})
  }

  /** The source's Finish: flush, compare digests, answer Finished. */
  private async finishUp(fin: Finish): Promise<EngineResult> {
    const {ch, plan, stats, disk} = this
    await this.writer.idle()
    if (!plan.dryRun) await (disk as Disk).sync()
    if (!plan.dryRun && plan.mtimeNs && !disk?.isDevice) await (disk as Disk).setMtime(plan.mtimeNs)
    this.pool.close()
    const mine = this.digest.digest()
    const theirs = Buffer.from(fin.msg.digest ?? [])
    const verified = plan.verify && !plan.dryRun ? (await rereadDigest(disk as Disk, this.layout, this.h, ch)).equals(theirs) : false
    stats.bytesRead = disk?.bytesRead ?? 0
    ch.send('finished', {digest: mine, stats, verified})
    if (!plan.dryRun && !theirs.equals(mine)) throw digestMismatch()
    if (plan.verify && !verified) throw verifyFailed()
    return {blocks: this.blocks, ...stats, digest: mine, peer: fin.msg.stats ?? {}, differences: rangesOf(fin.msg, plan), verified, sourceChanged: !!fin.msg.sourceChanged} as EngineResult
  }
}

/** The blocks whose cached hash is all zero: "not known" (HashCache), to be read. */
function unknownBlocks(hashes: Buffer): number[] {
  const out: number[] = []
  for (let i = 0, at = 0; at < hashes.length; i++, at += HASH_BYTES) {
    if ((hashes.readUInt32LE(at) | hashes.readUInt32LE(at + 4) | hashes.readUInt32LE(at + 8) | hashes.readUInt32LE(at + 12)) === 0) out.push(i)
  }
  return out
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
