// The destination of a diff (blockpair diff): a SourcePeer's partner that
// writes nothing. It answers the source's manifests and refines from a Base
// (a live copy read here, or a digest file standing in for one) and hands the
// source's Data and Zero frames, segment by segment, to a ChangeSink (the
// patch file). The protocol is the sync's (see the DEV DOCS in engine.ts), so
// the source runs unchanged; the two are joined in memory.
//
// At each segment end the sink gets the segment's changes sorted by offset,
// and for every coarse block they touch its hash in the base and in the
// source (EngineHooks.onHashes gives the source's), which is what `apply`
// checks before and after writing. The digest this peer answers Finish with
// is the base's hashes with the touched ones replaced by the source's: the
// source's own check then proves that the patch turns the base into the
// source, and a base block that differs without a change fails the diff.

import {ioError, type BlockpairError} from '../errors.js'
import type {Channel} from '../wire/channel.js'
import {forEachPiece, type Frame} from '../../proto/codec.js'
import {BlockHasher, HASH_BYTES, hashEquals} from './hash.js'
import {Layout} from './layout.js'
import {packManifest} from './manifest.js'
import {checkAllEnded, dispatch, endedSegments} from './dispatch.js'
import {Deferred, emptyStats, FINE, MAX_OPEN, protocol, WINDOW, type EngineHooks, type Plan} from './plan.js'

/** What a diff compares the source with, in the plan's layout; it reads as zeros past its end. */
export interface Base {
  /** The coarse hashes of segment k; asked in order of k. */
  hashes(k: number): Promise<Buffer>
  /** 4 KiB hashes of coarse blocks of segment k (a Refine), asked in order; null when the base cannot tell (a digest file). */
  fine(k: number, blocks: readonly number[]): Promise<Buffer | null>
  /** Segment k is done: let go of what it holds. */
  release(k: number): void
  close(): Promise<void>
}

/**
 * A base block whose hash cannot be known (a digest file's block that the
 * diff's size cuts to another length): the source sends it whole, and the
 * patch then has no whole-copy base digest.
 */
export const UNKNOWN_HASH = Buffer.alloc(HASH_BYTES, 0xff)

export type Change = {kind: 'data'; offset: number; payload: Buffer} | {kind: 'zero'; offset: number; length: number}

/** One segment's changes, in offset order, with the coarse blocks they touch. */
export interface SegmentChanges {
  k: number
  blocks: number[]
  /** 16 bytes per touched block: its hash in the base, and in the source. */
  base: Buffer
  result: Buffer
  changes: Change[]
}

/** Where a diff's changes go, a segment at a time, in order. */
export interface ChangeSink {
  segment(c: SegmentChanges): Promise<void>
}

export interface DiffResult {
  blocks: number
  blocksChanged: number
  bytesData: number
  bytesZero: number
  /** Empty when a base block was UNKNOWN_HASH. */
  baseDigest: Buffer
  digest: Buffer
}

interface Open {
  hashes: Buffer
  changes: Change[]
  /** All zero in the base: it pins nothing there, so it does not count against WINDOW. */
  zero: boolean
}

type Finish = Frame & {kind: 'finish'}

export class DiffDest {
  private readonly layout: Layout
  private readonly h: BlockHasher
  private readonly baseDigest
  private readonly resultDigest
  private readonly open = new Map<number, Open>()
  private readonly sourceHashes = new Map<number, Buffer>()
  private readonly finish = new Deferred<Finish>()
  private readonly stats = emptyStats()
  private writing: Promise<void> = Promise.resolve()
  private refining: Promise<void> = Promise.resolve()
  private pendingWrites = 0
  /** Open segments that are not all zero in the base. */
  private dataOpen = 0
  private nextEnd = 0
  private blocks = 0
  private baseKnown = true
  private bytesData = 0
  private slotWaiter: (() => void) | null = null

  constructor(private readonly ch: Channel, private readonly plan: Plan, seed: Buffer, private readonly base: Base,
    private readonly sink: ChangeSink, private readonly hooks: EngineHooks = {}) {
    this.layout = new Layout(plan)
    this.h = new BlockHasher(seed)
    this.baseDigest = this.h.digest()
    this.resultDigest = this.h.digest()
    ch.onFail(err => this.onFail(err))
  }

  /** The hook the SourcePeer of this diff is given: its hashes, kept until the segment ends. */
  readonly onSourceHashes = (k: number, hashes: Buffer): void => {
    this.sourceHashes.set(k, hashes)
  }

  async run(): Promise<DiffResult> {
    dispatch(this.ch, {
      data: f => forEachPiece(f.msg, f.payload as Buffer, (offset, payload) => this.onChange(offset, {kind: 'data', offset, payload})),
      zero: f => this.onChange(f.msg.offset ?? -1, {kind: 'zero', offset: f.msg.offset ?? -1, length: f.msg.length ?? 0}),
      refine: f => this.onRefine(f.msg.segment ?? -1, f.msg.blocks ?? []),
      segmentEnd: f => endedSegments(f.msg).forEach(k => this.endSegment(k)),
      finish: f => {
        checkAllEnded(this.nextEnd, this.layout.segments)
        this.finish.resolve(f)
      },
    })
    try {
      await this.sendManifests()
    } catch (err) {
      // The base failed (a damaged digest, a read error): the source stops too.
      if (!this.ch.failure) this.ch.abort(ioError(err, 'reading the base'))
      throw err
    }
    const fin = await this.finish.promise
    await this.writing
    const digest = Buffer.from(this.resultDigest.digest())
    this.ch.send('finished', {digest, stats: this.stats, verified: false})
    if (!digest.equals(Buffer.from(fin.msg.digest ?? []))) throw protocol('the changes the source sent do not turn the base into the source (digest mismatch)')
    return {blocks: this.blocks, blocksChanged: this.stats.blocksChanged, bytesData: this.bytesData, bytesZero: this.stats.bytesZeroed,
      baseDigest: this.baseKnown ? Buffer.from(this.baseDigest.digest()) : Buffer.alloc(0), digest}
  }

  private onFail(err: BlockpairError): void {
    this.finish.reject(err)
    this.slotWaiter?.()
  }

  private async sendManifests(): Promise<void> {
    const {ch, h, layout} = this
    for (let k = 0; k < layout.segments && !ch.failure; k++) {
      const hashes = await this.base.hashes(k)
      const zero = hashes.equals(h.zeroHashes(layout.segLength(k), this.plan.blockSize))
      while (this.windowFull(zero) && !ch.failure) await new Promise<void>(resolve => { this.slotWaiter = resolve })
      if (ch.failure) break
      this.open.set(k, {hashes, changes: [], zero})
      if (!zero) this.dataOpen++
      ch.send('manifest', {segment: k, ...packManifest(h, layout, k, hashes, false)})
      await ch.drain()
    }
  }

  /**
   * The source ends segments that are zero at both ends only in runs of
   * HOLE_RUN (or at its next other segment), so such segments must not fill
   * the window, or both sides wait for each other: only segments that may
   * pin a buffer in the base count against WINDOW, all against MAX_OPEN.
   */
  private windowFull(zero: boolean): boolean {
    return this.open.size >= MAX_OPEN || (!zero && this.dataOpen >= WINDOW)
  }

  private onChange(offset: number, c: Change): void {
    const {layout, plan} = this
    const length = c.kind === 'data' ? c.payload.length : c.length
    if (!(length > 0) || offset < plan.start || offset + length > plan.end) throw protocol(`change of ${length} bytes at ${offset} is outside the file`)
    const k = layout.segmentOf(offset)
    const x = this.open.get(k)
    if (!x) throw protocol(`change in segment ${k}, which is not open`)
    if (offset + length > layout.segStart(k) + layout.segLength(k)) throw protocol(`change at ${offset} crosses a segment boundary`)
    x.changes.push(c)
    if (c.kind === 'data') this.bytesData += length
    else this.stats.bytesZeroed += length
  }

  private onRefine(k: number, list: number[]): void {
    if (!this.open.has(k)) throw protocol(`refine for segment ${k}, which is not open`)
    // Answered in the order asked: a remote base answers over the network.
    this.refining = this.refining.then(async () => {
      const known = await this.base.fine(k, list)
      this.ch.send('refineHashes', {segment: k, hashes: known ?? this.unknownFine(k, list)})
    }).catch(err => {
      if (!this.ch.failure) this.ch.abort(ioError(err, 'reading the base'))
    })
  }

  /** Fine hashes that match nothing the source holds: every piece of those blocks is sent. */
  private unknownFine(k: number, list: readonly number[]): Buffer {
    const {layout} = this
    let count = 0
    for (const i of list) count += layout.blocksIn(layout.blockLength(k, i), FINE)
    const out = Buffer.alloc(count * HASH_BYTES)
    // The complement of the zero hash: a zero piece of the source differs too, and becomes a Zero.
    const z = this.h.zeroHash(FINE)
    for (let at = 0; at < out.length; at += HASH_BYTES) for (let j = 0; j < HASH_BYTES; j++) out[at + j] = ~(z[j] as number) & 0xff
    return out
  }

  private endSegment(k: number): void {
    const x = this.open.get(k)
    const mine = this.sourceHashes.get(k)
    if (k !== this.nextEnd || !x || !mine) throw protocol(`segment ${k} ended out of order (expected ${this.nextEnd})`)
    this.open.delete(k)
    if (!x.zero) this.dataOpen--
    this.sourceHashes.delete(k)
    this.base.release(k)
    this.nextEnd++
    const c = this.touched(k, x, mine)
    this.blocks += x.hashes.length / HASH_BYTES
    this.stats.blocksChanged += c.blocks.length
    this.baseDigest.update(x.hashes)
    for (let at = 0; at < x.hashes.length && this.baseKnown; at += HASH_BYTES) this.baseKnown = !hashEquals(x.hashes, at, UNKNOWN_HASH, 0)
    const result = Buffer.from(x.hashes)
    c.blocks.forEach((i, j) => c.result.copy(result, i * HASH_BYTES, j * HASH_BYTES, (j + 1) * HASH_BYTES))
    this.resultDigest.update(result)
    this.write(c)
    this.hooks.onProgress?.(this.layout.segStart(k) + this.layout.segLength(k) - this.plan.start, this.bytesData)
    const w = this.slotWaiter
    this.slotWaiter = null
    w?.()
  }

  /** A segment's changes in order, with the blocks they touch and those blocks' hashes. */
  private touched(k: number, x: Open, mine: Buffer): SegmentChanges {
    const bs = this.plan.blockSize
    const start = this.layout.segStart(k)
    const changes = x.changes.sort((a, b) => a.offset - b.offset)
    const set = new Set<number>()
    for (const c of changes) {
      const from = c.offset - start
      const to = from + (c.kind === 'data' ? c.payload.length : c.length)
      for (let i = Math.floor(from / bs); i * bs < to; i++) set.add(i)
    }
    const blocks = [...set].sort((a, b) => a - b)
    const base = Buffer.allocUnsafe(blocks.length * HASH_BYTES)
    const result = Buffer.allocUnsafe(blocks.length * HASH_BYTES)
    blocks.forEach((i, j) => {
      x.hashes.copy(base, j * HASH_BYTES, i * HASH_BYTES, (i + 1) * HASH_BYTES)
      mine.copy(result, j * HASH_BYTES, i * HASH_BYTES, (i + 1) * HASH_BYTES)
    })
    return {k, blocks, base, result, changes}
  }

  /** To the sink, in order; the channel pauses while writes queue up, so memory stays bounded. */
  private write(c: SegmentChanges): void {
    if (c.changes.length === 0) return
    this.pendingWrites++
    if (this.pendingWrites > WINDOW) this.ch.pause()
    this.writing = this.writing.then(() => this.sink.segment(c)).then(() => {
      if (--this.pendingWrites <= WINDOW) this.ch.resume()
    }, err => {
      this.ch.abort(ioError(err, 'writing the patch'))
    })
  }
}
