// The source's side of a sync (see the DEV DOCS in engine.ts): it reads and
// hashes each segment, compares with the destination's manifest, and sends
// what differs. The peer's state lives in fields; each message the
// destination sends has one handler (onManifest, onRefineHashes,
// onCheckpoint, onFinished).

import type {BlockpairError} from '../errors.js'
import type {Channel} from '../wire/channel.js'
import type {Disk} from '../disk/disk.js'
import type {Frame, Message} from '../../proto/codec.js'
import {diffHashes, HASH_BYTES, hashEquals} from './hash.js'
import {BufferPool, Lease} from './pool.js'
import {isZero} from './zero.js'
import type {Segment} from './layout.js'
import {manifestEntries, type Theirs} from './manifest.js'
import {Peer} from './peer.js'
import {dispatch} from './dispatch.js'
import {Mailbox} from './mailbox.js'
import {PIECE_BELOW, PieceBatch, RunSender, type RunKind} from './run-sender.js'
import {RateLimiter} from './rate.js'
import {Deferred, digestMismatch, FINE, HOLE_RUN, LOCAL_WINDOW, MAX_OPEN, noteDifference, protocol, READ_AHEAD, verifyFailed,
  type EngineHooks, type EngineResult, type Plan, type Range} from './plan.js'

interface Outstanding {
  seg: Segment
  /** It held data when compared: it counts against the window until it ends (the destination holds it till then). */
  data: boolean
  /** Coarse block indexes waiting for refine hashes; null once answered. */
  refine: number[] | null
  /** Where the bytes of each block in `refine` are kept until the answer (see keepForRefine). */
  kept: Kept[]
}

/** The bytes of a coarse block to refine: in `seg`'s buffer from `at` on (a copy of the block, or the whole segment). */
interface Kept {
  seg: Segment
  at: number
}

type Finished = Frame & {kind: 'finished'}

export async function runSource(ch: Channel, disk: Disk, plan: Plan, hooks: EngineHooks = {}, seed: Buffer): Promise<EngineResult> {
  return new SourcePeer(ch, disk, plan, hooks, seed).run()
}

export class SourcePeer extends Peer {
  private readonly manifests = new Mailbox<Theirs>()
  private readonly outstanding: Outstanding[] = []
  private readonly differences: Range[] = []
  private readonly limiter: RateLimiter | null
  private readonly runs: RunSender
  private readonly pieces: PieceBatch
  private readonly finished = new Deferred<Finished>()
  private nextManifest = 0
  private windowWaiter: (() => void) | null = null
  /** Outstanding segments that held data. */
  private leased = 0
  /** Copies of the coarse blocks a refine waits for (see keepForRefine). */
  private readonly blockPool: BufferPool

  constructor(ch: Channel, private readonly disk: Disk, plan: Plan, hooks: EngineHooks, seed: Buffer) {
    super(ch, disk, plan, hooks, seed, () => false)
    // No bound: what it holds is bounded by the window (blocks waiting for an answer) and by the socket (blocks being sent).
    this.blockPool = new BufferPool(plan.blockSize, Infinity)
    ch.onFail(() => this.blockPool.close())
    this.limiter = hooks.bwlimit ? new RateLimiter(hooks.bwlimit) : null
    this.runs = new RunSender((kind, seg, from, to) => this.emit(kind, seg, from, to))
    this.pieces = new PieceBatch((offsets, pieces) => this.ch.sendPieces(offsets, pieces))
    ch.onFail(err => this.onFail(err))
  }

  async run(): Promise<EngineResult> {
    dispatch(this.ch, {
      manifest: f => this.onManifest(f.msg),
      refineHashes: f => this.onRefineHashes(f.msg.segment ?? -1, Buffer.from(f.msg.hashes ?? [])),
      checkpoint: f => this.onCheckpoint(f.msg.offset ?? -1, f.msg.stamp || null),
      finished: f => this.onFinished(f),
    })
    for (let k = 0; k < this.layout.segments; k++) {
      if (this.ch.failure) throw this.ch.failure
      await this.compare(k)
      await this.ch.drain()
      await this.limiter?.pace()
      while (this.windowFull() && !this.ch.failure) await this.windowFreed()
    }
    this.flushEnds()
    while (this.outstanding.length > 0 && !this.ch.failure) await this.windowFreed()
    if (this.ch.failure) throw this.ch.failure
    return this.finish()
  }

  private onFail(err: BlockpairError): void {
    this.manifests.fail(err)
    this.finished.reject(err)
    this.limiter?.cancel()
    this.windowWaiter?.()
  }

  private onManifest(m: Message<'manifest'>): void {
    const entries = manifestEntries(this.h, this.layout, m, this.nextManifest)
    this.nextManifest += entries.length
    if (this.manifests.size + entries.length > MAX_OPEN + READ_AHEAD + 2) throw protocol('the destination sent manifests too far ahead')
    for (const [k, hashes] of entries) this.manifests.put(k, hashes)
  }

  private onRefineHashes(k: number, hashes: Buffer): void {
    const o = this.outstanding.find(x => x.refine !== null)
    if (!o || o.seg.k !== k) throw protocol(`refine hashes for segment ${k} were not asked for`)
    const list = o.refine as number[]
    const seg = o.seg
    const bs = this.plan.blockSize
    let expected = 0
    for (const i of list) expected += this.layout.blocksIn(Math.min(bs, seg.length - i * bs), FINE)
    if (hashes.length !== expected * HASH_BYTES) throw protocol(`refine hashes for segment ${k} have ${hashes.length} bytes, expected ${expected * HASH_BYTES}`)
    const mine = Buffer.allocUnsafe(this.layout.blocksIn(bs, FINE) * HASH_BYTES)
    let at = 0
    for (let b = 0; b < list.length; b++) {
      const {seg: s, at: from} = o.kept[b] as Kept
      const buf = (s.lease as Lease).buf
      const length = Math.min(bs, seg.length - (list[b] as number) * bs)
      const count = this.layout.blocksIn(length, FINE)
      this.h.hashBlocks(buf.subarray(from, from + length), FINE, mine, 0)
      for (const j of diffHashes(mine, 0, hashes, at, count)) {
        const p = from + j * FINE
        const piece = buf.subarray(p, Math.min(p + FINE, from + length))
        this.runs.add(isZero(piece) ? 'zero' : 'data', s, p, p + piece.length)
      }
      at += count * HASH_BYTES
    }
    this.flushRuns()
    for (const s of new Set(o.kept.map(x => x.seg))) s.lease?.unref()
    o.refine = null
    o.kept = []
    this.flushEnds()
  }

  private onFinished(f: Finished): void {
    this.finished.resolve(f)
  }

  private onCheckpoint(offset: number, stamp: string | null): void {
    if (offset < this.plan.start || offset > this.plan.end) throw protocol(`checkpoint at ${offset} is outside the range`)
    this.hooks.onCheckpoint?.(offset, stamp)
  }

  /** Segment k against the destination's manifest: send or ask about what differs. */
  private async compare(k: number): Promise<void> {
    const {seg, hashes: mine, holes} = await this.reader.get(k)
    this.digest.update(mine)
    this.hooks.onHashes?.(k, mine)
    const theirs = this.layout.knownZero(k) ? null : await this.manifests.take(k)
    // Hole against zeros (most of a sparse image): nothing to compare.
    const bothZero = !seg.lease && theirs === null
    const n = mine.length / HASH_BYTES
    this.blocks += n
    const refine = bothZero ? [] : this.compareBlocks(seg, mine, holes, theirs)
    this.flushRuns()
    const kept = refine.length > 0 ? this.keepForRefine(seg, refine) : []
    // What is sent holds its own reference, and pieces were copied: the segment's buffer goes back unless kept.
    if (!kept.some(x => x.seg === seg)) seg.lease?.unref()
    this.outstanding.push({seg, data: !!seg.lease, refine: refine.length > 0 ? refine : null, kept})
    if (seg.lease) this.leased++
    if (refine.length > 0) this.ch.send('refine', {segment: k, blocks: refine})
    // Holes that match end together, in one frame per HOLE_RUN of them.
    if (!bothZero || this.outstanding.length >= HOLE_RUN) this.flushEnds()
  }

  /** Queue what differs in a segment; returns the blocks to refine (4 KiB hashes asked of the destination). */
  private compareBlocks(seg: Segment, mine: Buffer, holes: Uint8Array, theirs: Theirs): number[] {
    const bs = this.plan.blockSize
    const refine: number[] = []
    const n = mine.length / HASH_BYTES
    // Against a manifest only the blocks whose hashes differ need a look;
    // against zeros (no manifest) every block does.
    const differ = theirs ? diffHashes(mine, 0, theirs, 0, n) : null
    for (let j = 0, m = differ ? differ.length : n; j < m; j++) {
      const i = differ ? differ[j] as number : j
      const at = i * HASH_BYTES
      const from = i * bs
      const to = Math.min(from + bs, seg.length)
      const zero = this.h.zeroHash(to - from)
      // A block with the zero hash is checked byte by byte, unless it lies in a
      // hole: in a sparse image most blocks do, and checking them was most of the CPU.
      const srcZero = holes[i] === 1 || (hashEquals(mine, at, zero, 0) && isZero((seg.lease as Lease).buf.subarray(from, to)))
      if (!theirs && srcZero) continue
      const dstZero = theirs === null || hashEquals(theirs, at, zero, 0)
      this.stats.blocksChanged++
      if (srcZero) {
        this.zeroRead(seg, from, to)
      } else if (dstZero) {
        // The destination holds zeros here: refine against zeros without asking.
        const buf = (seg.lease as Lease).buf
        for (let p = from; p < to; p += FINE) {
          const pTo = Math.min(p + FINE, to)
          if (!isZero(buf.subarray(p, pTo))) this.runs.add('data', seg, p, pTo)
        }
      } else if (bs === FINE) {
        this.runs.add('data', seg, from, to)
      } else {
        refine.push(i)
      }
    }
    return refine
  }

  /**
   * The bytes the answer to a refine needs. A few blocks (scattered changes:
   * ~15% of the coarse blocks at 1% of 4 KiB blocks changed) are copied out,
   * so the segment's 4 MiB buffer is free for the next read during the round
   * trip and the reads ahead need fewer buffers (issue 19, memory); when many
   * blocks differ, copying would cost more than holding, so the segment is kept.
   */
  private keepForRefine(seg: Segment, refine: number[]): Kept[] {
    const bs = this.plan.blockSize
    const buf = (seg.lease as Lease).buf
    if (refine.length * bs > seg.length / 4) return refine.map(i => ({seg, at: i * bs}))
    return refine.map(i => {
      const from = i * bs
      const to = Math.min(from + bs, seg.length)
      const lease = new Lease(this.blockPool, this.blockPool.takeNow())
      buf.copy(lease.buf, 0, from, to)
      return {seg: {k: seg.k, offset: seg.offset + from, length: to - from, lease, extents: []}, at: 0}
    })
  }

  /**
   * A block that is zero at the source: all of it, or with tracked ranges
   * only the parts read. The rest of the block was not read at either end
   * (it hashed as zeros) and holds what the destination already has.
   */
  private zeroRead(seg: Segment, from: number, to: number): void {
    if (!this.plan.ranges) return this.runs.add('zero', seg, from, to)
    for (const e of seg.extents) {
      const a = Math.max(from, e.offset - seg.offset)
      const b = Math.min(to, e.offset + e.length - seg.offset)
      if (a < b) this.runs.add('zero', seg, a, b)
    }
  }

  /** One merged run of changes onto the wire (a dry run only notes where it is; a sync notes it too, for the summary). */
  private emit(kind: RunKind, seg: Segment, from: number, to: number): void {
    const offset = seg.offset + from
    this.note(offset, to - from)
    if (kind === 'zero') {
      this.stats.bytesZeroed += to - from
      if (!this.plan.dryRun) this.ch.send('zero', {offset, length: to - from})
      return
    }
    this.stats.bytesSent += to - from
    // A dry run sends no block data, so --bwlimit has nothing to pace.
    if (this.plan.dryRun) return
    this.limiter?.add(to - from)
    const lease = seg.lease as Lease
    if (to - from < PIECE_BELOW) return this.pieces.add(offset, lease.buf.subarray(from, to))
    lease.ref()
    this.ch.sendData(offset, lease.buf.subarray(from, to), () => lease.unref())
  }

  /** Everything queued goes out now: the segment's buffer may be released after this. */
  private flushRuns(): void {
    this.runs.flush()
    this.pieces.flush()
  }

  private note(offset: number, length: number): void {
    noteDifference(this.differences, offset, length)
  }

  /** Send SegmentEnd for every finished segment at the head, in order. */
  private flushEnds(): void {
    // Consecutive finished segments end in one frame.
    let first = -1
    let count = 0
    while (this.outstanding.length > 0 && (this.outstanding[0] as Outstanding).refine === null) {
      const o = this.outstanding.shift() as Outstanding
      if (o.data) this.leased--
      if (count === 0) first = o.seg.k
      count++
      this.hooks.onProgress?.(o.seg.offset + o.seg.length - this.plan.start, this.stats.bytesSent)
    }
    if (count > 0) this.ch.send('segmentEnd', count > 1 ? {segment: first, count} : {segment: first})
    if (!this.windowFull() && this.windowWaiter) {
      const w = this.windowWaiter
      this.windowWaiter = null
      w()
    }
  }

  private windowFull(): boolean {
    return this.leased >= LOCAL_WINDOW || this.outstanding.length >= MAX_OPEN
  }

  private async windowFreed(): Promise<void> {
    await new Promise<void>(resolve => { this.windowWaiter = resolve })
  }

  /** Finish{digest} and the destination's answer: do both ends hold the same? */
  private async finish(): Promise<EngineResult> {
    const {ch, plan, stats, differences} = this
    stats.bytesRead = this.disk.bytesRead
    const digest = this.digest.digest()
    const sourceChanged = (await this.hooks.sourceChanged?.()) ?? false
    ch.send('finish', {digest, stats, sourceChanged, diffOffsets: differences.map(r => r.offset), diffLengths: differences.map(r => r.length)})
    const fin = await this.finished.promise
    const theirs = Buffer.from(fin.msg.digest ?? [])
    if (!plan.dryRun && !theirs.equals(digest)) {
      const err = digestMismatch()
      ch.abort(err)
      throw err
    }
    this.pool.close()
    this.blockPool.close()
    if (plan.verify && !fin.msg.verified) throw verifyFailed()
    return {blocks: this.blocks, ...stats, digest, peer: fin.msg.stats ?? {}, differences, verified: !!plan.verify, sourceChanged} as EngineResult
  }
}
