// `blockpair apply PATCH TARGET`: write a patch (format.ts) into a copy, in
// place, checked before and after. It reads the patch in passes, so nothing
// is written unless all of it is whole and the target is its base (a remote
// TARGET goes to remote-apply.ts, which does the same through an agent):
//
//   1 scan     every record's checksum, the end record and the count; the
//              touched blocks' hashes kept (36 bytes a block), and the
//              records themselves up to KEEP_BYTES (touched.ts), so a patch
//              of that size is read once and written from what was checked
//   2 base     each block the patch touches is read (a segment's blocks at
//              once) and hashed with the patch's seed: all equal to the
//              base's hash, go on; all equal to the result's, the patch is
//              applied already (a no-op); anything else is a wrong base
//              (E_PATCH_BASE, exit 7, naming the patch's base digest and the
//              target's). --check-base also reads the whole target for the
//              whole-copy digests.
//   3 write    resize to the result's size, then Data and Zero frames in
//              offset order (Zero punches holes, so holes are kept; a patch
//              past KEEP_BYTES is read and checked again); after each
//              segment its touched blocks must hash to the result's hashes
//              (E_PATCH_RESULT otherwise): hashed from the bytes written
//              where they cover a block whole, read back where they do not
//              (checkResult says why that is as sound as reading back)
//
// The write pass checkpoints as a sync does (fdatasync, then the job file),
// at segment starts, so `blockpair resume` continues an interrupted apply:
// below the checkpoint the blocks must already be the result, above it they
// may be base, result or a mix of both (the write that was cut), which the
// rewrite then makes the result.

import fs from 'node:fs'
import path from 'node:path'
import {Disk} from '../../disk/disk.js'
import {BlockHasher, HASH_BYTES, hashEquals} from '../../engine/hash.js'
import {Layout} from '../../engine/layout.js'
import {BufferPool} from '../../engine/pool.js'
import {READ_AHEAD} from '../../engine/plan.js'
import {Reader} from '../../engine/reader.js'
import {IoError, ioError, PolicyError} from '../../errors.js'
import type {JobRecord} from '../jobs.js'
import {parseAddress} from '../address.js'
import {runOptions, type RunOptions} from '../options.js'
import {runRemoteApply} from './remote-apply.js'
import {wholePlan} from './digest.js'
import type {Frame} from '../../../proto/codec.js'
import {records, type End, type Header, type PatchObserver} from './format.js'
import {checkedSummary, writeAsJob} from './apply-steps.js'
import {appliedInPart, compareBlock, fault, notTheBase, otherSize, scanPatch, type Touched} from './touched.js'

export {describeApply} from './describe.js'

export interface ApplyOptions {
  /** Also read the whole target and check the whole-copy digests. */
  checkBase: boolean
  /** Check, and report what would be written; write nothing. */
  dryRun: boolean
  stateDir: string | undefined
  /** fdatasync and record a checkpoint after at least this many bytes written. */
  checkpointBytes: number
  /** How to reach a remote target (agent:// with pskFile, or ssh); a resumed job's own options otherwise. */
  remote?: Partial<RunOptions>
}

export const APPLY_DEFAULTS: ApplyOptions = {
  checkBase: false, dryRun: false, stateDir: undefined,
  // The tests that kill an apply set it low, so that a small patch has checkpoints to resume from.
  checkpointBytes: Number(process.env.BLOCKPAIR_APPLY_CHECKPOINT_BYTES) || 64 << 20,
}

export interface ApplySummary {
  ok: true
  patch: string
  target: string
  job: string | null
  size: number
  baseSize: number
  blockSize: number
  blocksTouched: number
  alreadyApplied: boolean
  dryRun: boolean
  baseChecked: 'blocks' | 'whole'
  bytesWritten: number
  bytesZeroed: number
  resumedFrom: number
  baseDigest: string
  digest: string
  durationMs: number
}


/** The patch's geometry and the hashing of the target's blocks the way the diff hashed them. */
class Geometry {
  readonly layout: Layout
  readonly h: BlockHasher
  private readonly buf: Buffer

  constructor(readonly header: Header) {
    this.layout = new Layout(wholePlan(header.size ?? 0, header.blockSize ?? 0))
    this.h = new BlockHasher(Buffer.from(header.seed ?? []))
    this.buf = Buffer.allocUnsafe(header.blockSize ?? 0)
  }

  /** The hash of block i of segment k of `disk`, zeros past its end; `buf` when several are read at once. */
  async hashOf(disk: Disk, k: number, i: number, buf = this.buf): Promise<Buffer> {
    const offset = this.offsetOf(k, i)
    const len = this.layout.blockLength(k, i)
    const block = buf.subarray(0, len)
    // Within the file, read it whole (a hole reads as zeros): asking for its extents costs two lseeks a block.
    await disk.readRange(block, offset, len, offset + len <= disk.size ? [{offset, length: len}] : undefined)
    const out = Buffer.allocUnsafe(HASH_BYTES)
    this.h.hashInto(block, out, 0)
    return out
  }

  /** The hashes of x's blocks of `disk`, read all at once (the thread pool runs several reads in parallel). */
  async hashesOf(disk: Disk, x: Touched): Promise<Buffer[]> {
    return Promise.all(x.blocks.map(i => this.hashOf(disk, x.k, i, Buffer.allocUnsafe(this.layout.plan.blockSize))))
  }

  offsetOf(k: number, i: number): number {
    return this.layout.segStart(k) + i * this.layout.plan.blockSize
  }

  /**
   * The hash of block i of segment k from the pieces written there (in offset
   * order) when they cover it whole; null when part of it is not written
   * (its other bytes must be read).
   */
  hashOfPieces(pieces: readonly Piece[], k: number, i: number): Buffer | null {
    const from = this.offsetOf(k, i)
    const to = from + this.layout.blockLength(k, i)
    let at = from
    for (const p of pieces) {
      if (p.offset + p.length <= at) continue
      if (p.offset > at || at >= to) break
      const end = Math.min(to, p.offset + p.length)
      if (p.payload) p.payload.copy(this.buf, at - from, at - p.offset, end - p.offset)
      else this.buf.fill(0, at - from, end - from)
      at = end
    }
    if (at < to) return null
    const out = Buffer.allocUnsafe(HASH_BYTES)
    this.h.hashInto(this.buf.subarray(0, to - from), out, 0)
    return out
  }
}

/** A Data (payload) or Zero (null) frame of the segment being written. */
interface Piece {
  offset: number
  length: number
  payload: Buffer | null
}

/** Apply `patch` to `target` (local, or remote through remote-apply.ts); with `resume`, continue that job. */
export async function runApply(patch: string, target: string, o: ApplyOptions, observer: PatchObserver = {}, resume?: JobRecord): Promise<ApplySummary> {
  if (parseAddress(target).kind !== 'local') return runRemoteApply(patch, target, o, observer, resume)
  const began = Date.now()
  const {header, end, touched, kept} = await scanPatch(patch)
  const g = new Geometry(header)
  const disk = o.dryRun ? await Disk.openRead(target) : await openTarget(target)
  try {
    const from = resume?.checkpoint ?? 0
    const state = await checkBase(g, disk, touched, resume ? from : null, header, end)
    const whole = o.checkBase && !resume && state === 'base' ? await checkWhole(g, disk, touched, end) : false
    const summary = checkedSummary({patch, target, header, end, touched}, {state, whole, from}, o.dryRun, resume)
    if (state === 'result' || o.dryRun) return {...summary, durationMs: Date.now() - began}
    await writeAsJob(summary, path.resolve(patch), path.resolve(target), runOptions({blockSize: g.layout.plan.blockSize}), o.stateDir, resume,
      job => writePatch(g, disk, kept ?? records(patch, 'blockpair-patch'), touched, from, o, summary, {...observer, onCheckpoint: offset => job.onCheckpoint(offset, null)}))
    return {...summary, durationMs: Date.now() - began}
  } finally {
    await disk.close()
  }
}

async function openTarget(target: string): Promise<Disk> {
  // A patch applies to a copy that exists: never create one.
  try {
    await fs.promises.stat(target)
  } catch (err) {
    throw ioError(err, target)
  }
  return Disk.openWrite(target)
}

type BaseState = 'base' | 'result' | 'resuming'

/** Is the target the patch's base, its result already, or (resuming from `from`) partly both? */
async function checkBase(g: Geometry, disk: Disk, touched: Touched[], from: number | null, header: Header, end: End): Promise<BaseState> {
  const size = header.size ?? 0
  const baseSize = header.baseSize ?? 0
  if (disk.size !== baseSize && disk.size !== size) {
    throw otherSize(disk.path, disk.size, header)
  }
  let base = true
  let result = disk.size === size
  for (const x of touched) {
    const hashes = await g.hashesOf(disk, x)
    for (const [j, i] of x.blocks.entries()) {
      const offset = g.offsetOf(x.k, i)
      const {isBase, isResult} = compareBlock(x, j, hashes[j] as Buffer)
      result &&= isResult
      base &&= isBase
      // Resuming: below the checkpoint the result is durable; above it, anything the cut write left.
      if (from !== null && offset < from && !isResult) throw await wrongBase(g, disk, end, offset, 'changed since the interrupted apply')
      if (from === null && !isBase && !isResult) throw await wrongBase(g, disk, end, offset, 'differs from the patch\'s base')
    }
  }
  if (from !== null) return 'resuming'
  if (result && touched.length > 0) return 'result'
  if (base && disk.size === baseSize) return 'base'
  if (result) return 'result'
  throw appliedInPart(disk.path)
}

/** The refusal, naming both digests: reading the whole target for its own is worth it on this path. */
async function wrongBase(g: Geometry, disk: Disk, end: End, offset: number, why: string): Promise<PolicyError> {
  const {base} = await wholeDigests(g, disk, [])
  return notTheBase(disk.path, end, base, {offset, why})
}

/** The whole target's digest, and the digest it would have with the patch's blocks written. */
async function wholeDigests(g: Geometry, disk: Disk, touched: Touched[]): Promise<{base: Buffer; result: Buffer}> {
  const {layout, h} = g
  const pool = new BufferPool(layout.segSize, READ_AHEAD + 1)
  const reader = new Reader(disk, layout, pool, h, k => layout.segStart(k) >= disk.size)
  const base = h.digest()
  const result = h.digest()
  const byK = new Map(touched.map(x => [x.k, x]))
  try {
    for (let k = 0; k < layout.segments; k++) {
      const {seg, hashes} = await reader.get(k)
      seg.lease?.unref()
      base.update(hashes)
      const x = byK.get(k)
      x?.blocks.forEach((i, j) => x.result.copy(hashes, i * HASH_BYTES, j * HASH_BYTES, (j + 1) * HASH_BYTES))
      result.update(hashes)
    }
  } finally {
    pool.close()
  }
  return {base: Buffer.from(base.digest()), result: Buffer.from(result.digest())}
}

/** --check-base: the whole-copy digests of the base and of the result-to-be. */
async function checkWhole(g: Geometry, disk: Disk, touched: Touched[], end: End): Promise<boolean> {
  const want = Buffer.from(end.baseDigest ?? [])
  if (want.length === 0) return false
  const d = await wholeDigests(g, disk, touched)
  if (!d.base.equals(want)) throw notTheBase(disk.path, end, d.base, null)
  if (!d.result.equals(Buffer.from(end.digest ?? []))) throw new IoError('E_PATCH_RESULT', `the patch's blocks do not make its own result digest ${Buffer.from(end.digest ?? []).toString('hex')}; it is inconsistent`)
  return true
}

/** Pass 3: resize, write in order from `from`, checkpoint, and check each segment's result. */
async function writePatch(g: Geometry, disk: Disk, frames: Iterable<Frame> | AsyncIterable<Frame>, touched: Touched[], from: number, o: ApplyOptions, s: ApplySummary,
  observer: PatchObserver & {onCheckpoint(offset: number): void}): Promise<void> {
  const byK = new Map(touched.map(x => [x.k, x]))
  await disk.resize(s.size)
  observer.onPlan?.({start: from, end: s.size})
  let open: Touched | null = null
  const pieces: Piece[] = []
  let sinceCheckpoint = 0
  // A segment's data goes out in one batch (one thread-pool job), as a sync's destination writes.
  const batch: {buffers: Buffer[]; offsets: number[]} = {buffers: [], offsets: []}
  const flush = async (): Promise<void> => {
    if (batch.buffers.length > 0) await disk.writeBatch(batch.buffers.splice(0), batch.offsets.splice(0))
  }
  const close = async (): Promise<void> => {
    await flush()
    if (open) await checkResult(g, disk, open, pieces.splice(0))
    open = null
  }
  for await (const f of frames) {
    if (f.kind === 'patchBlocks') {
      await close()
      const start = g.layout.segStart(f.msg.segment ?? 0)
      if (sinceCheckpoint >= o.checkpointBytes && start > from) {
        await disk.sync()
        observer.onCheckpoint(start)
        sinceCheckpoint = 0
      }
      fault(start)
      observer.onProgress?.(start - from, s.bytesWritten)
      open = start >= from ? byK.get(f.msg.segment ?? 0) ?? null : null
    } else if (open && f.kind === 'data') {
      batch.buffers.push(f.payload as Buffer)
      batch.offsets.push(f.msg.offset ?? 0)
      pieces.push({offset: f.msg.offset ?? 0, length: f.payload?.length ?? 0, payload: f.payload as Buffer})
      s.bytesWritten += f.payload?.length ?? 0
      sinceCheckpoint += f.payload?.length ?? 0
    } else if (open && f.kind === 'zero') {
      await flush()
      await disk.zero(f.msg.offset ?? 0, f.msg.length ?? 0)
      pieces.push({offset: f.msg.offset ?? 0, length: f.msg.length ?? 0, payload: null})
      s.bytesZeroed += f.msg.length ?? 0
      sinceCheckpoint += f.msg.length ?? 0
    }
  }
  await close()
  await disk.sync()
  observer.onProgress?.(s.size - from, s.bytesWritten)
}

/**
 * After a segment is written: its touched blocks must now hash to the
 * result's. A block the segment's pieces cover whole is hashed from the bytes
 * written, not read back: a read right after the write comes from the page
 * cache, i.e. those very bytes, so it could see no more than they show (a
 * patch whose pieces do not make its result); the disk's own failures are
 * fdatasync's to report. A block written only in part is read back for the
 * rest of its bytes.
 */
async function checkResult(g: Geometry, disk: Disk, x: Touched, pieces: readonly Piece[]): Promise<void> {
  for (const [j, i] of x.blocks.entries()) {
    const mine = g.hashOfPieces(pieces, x.k, i) ?? await g.hashOf(disk, x.k, i)
    if (!hashEquals(mine, 0, x.result, j * HASH_BYTES)) {
      const offset = g.offsetOf(x.k, i)
      throw new IoError('E_PATCH_RESULT', `after writing, the block of ${disk.path} at offset ${offset} is not the patch's result; the disk or something else writing to it changed it`)
    }
  }
}
