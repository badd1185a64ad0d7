// `blockpair diff SOURCE TARGET --out PATCH`: a sync whose destination writes
// a patch file instead of the target. The engine's SourcePeer reads and
// compares the source; a DiffDest (agent/engine/diff-dest.ts), joined to it in
// memory, answers from the target (a live copy read at the same time, or a
// digest file) and hands the changes to a PatchSink, which writes them in
// format.ts's records. Nothing is written to the target.

import fs from 'node:fs'
import {randomBytes} from 'node:crypto'
import {Disk} from '../../disk/disk.js'
import {DiffDest, type Base, type ChangeSink, type SegmentChanges} from '../../engine/diff-dest.js'
import {DiskBase} from '../../engine/disk-base.js'
import {SourcePeer, type Plan} from '../../engine/engine.js'
import {ioError, UsageError} from '../../errors.js'
import {Channel} from '../../wire/channel.js'
import {duplexPair} from '../../wire/pair.js'
import {DigestBase, isDigestFile, wholePlan} from './digest.js'
import {parseCompression, RecordWriter, type PatchObserver} from './format.js'

export {describeDiff} from './describe.js'

export interface DiffOptions {
  blockSize: number
  /** none, gzip or brotli, as typed (parseCompression). */
  compress: string
  /** Sizes only: no patch is written. */
  dryRun: boolean
}

export interface DiffSummary {
  ok: true
  patch: string | null
  dryRun: boolean
  against: 'copy' | 'digest'
  size: number
  baseSize: number
  blockSize: number
  blocks: number
  blocksChanged: number
  bytesData: number
  bytesZero: number
  bytesRead: number
  patchBytes: number
  compression: string
  baseDigest: string
  digest: string
  durationMs: number
}

/** Writes each segment's changes as records; a dry run (no writer) only counts. */
class PatchSink implements ChangeSink {
  constructor(private readonly w: RecordWriter | null) {}

  async segment(c: SegmentChanges): Promise<void> {
    if (!this.w) return
    await this.w.add('patchBlocks', {segment: c.k, blocks: c.blocks, base: c.base, result: c.result})
    for (const x of c.changes) {
      if (x.kind === 'data') await this.w.addData(x.offset, x.payload)
      else await this.w.add('zero', {offset: x.offset, length: x.length})
    }
  }
}

interface Target {
  base: Base
  seed: Buffer
  size: number
  plan: Plan
  against: 'copy' | 'digest'
  finish(): Promise<void>
}

async function openTarget(target: string, sourceSize: number, blockSize: number): Promise<Target> {
  if (await isDigestFile(target)) {
    const d = await DigestBase.open(target, h => wholePlan(sourceSize, h.blockSize ?? 0))
    return {base: d, seed: d.seed, size: d.header.size ?? 0, plan: wholePlan(sourceSize, d.header.blockSize ?? 0), against: 'digest', finish: () => d.finish()}
  }
  const disk = await Disk.openRead(target)
  const seed = randomBytes(8)
  const plan = wholePlan(sourceSize, blockSize)
  return {base: new DiskBase(disk, plan, seed, disk.size), seed, size: disk.size, plan, against: 'copy', finish: async () => {}}
}

export async function runDiff(source: string, target: string, out: string | null, o: DiffOptions, observer: PatchObserver = {}): Promise<DiffSummary> {
  const began = Date.now()
  const compression = parseCompression(o.compress)
  if (!out && !o.dryRun) throw new UsageError('E_PATCH_TARGET', 'diff needs --out PATCH (or --dry-run)')
  if (await isDigestFile(source)) throw new UsageError('E_PATCH_TARGET', `${source} is a digest file: diff compares a live source with a copy or a digest`)
  const disk = await Disk.openRead(source)
  let t: Target | null = null
  let w: RecordWriter | null = null
  try {
    t = await openTarget(target, disk.size, o.blockSize)
    const plan = {...t.plan, dryRun: false}
    const header = {magic: 'blockpair-patch', size: disk.size, baseSize: t.size, blockSize: plan.blockSize, seed: t.seed, compression}
    w = o.dryRun || out === null ? null : new RecordWriter(out, header)
    const [a, b] = duplexPair()
    const dest = new DiffDest(new Channel(b), plan, t.seed, t.base, new PatchSink(w), {})
    observer.onPlan?.({start: 0, end: disk.size})
    const src = new SourcePeer(new Channel(a), disk, plan, {onHashes: dest.onSourceHashes, onProgress: d => observer.onProgress?.(d)}, t.seed)
    // Both settle before the files close: a failure on one side aborts the channel, and so the other.
    const [d, s] = await Promise.allSettled([dest.run(), src.run()])
    if (d.status === 'rejected') throw d.reason
    if (s.status === 'rejected') throw s.reason
    const r = d.value
    await t.finish()
    await w?.end({baseDigest: r.baseDigest, digest: r.digest, bytesData: r.bytesData, bytesZero: r.bytesZero})
    return {
      ok: true, patch: w ? out : null, dryRun: !w, against: t.against, size: disk.size, baseSize: t.size, blockSize: plan.blockSize,
      blocks: r.blocks, blocksChanged: r.blocksChanged, bytesData: r.bytesData, bytesZero: r.bytesZero, bytesRead: disk.bytesRead,
      patchBytes: w && out ? (await fs.promises.stat(out)).size : 0, compression: compression || 'none',
      baseDigest: r.baseDigest.toString('hex'), digest: r.digest.toString('hex'), durationMs: Date.now() - began,
    }
  } catch (err) {
    await w?.abort()
    throw ioError(err, source)
  } finally {
    await t?.base.close()
    await disk.close()
  }
}
