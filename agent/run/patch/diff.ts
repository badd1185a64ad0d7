// `blockpair diff SOURCE TARGET --out PATCH`: a sync whose destination writes
// a patch file instead of the target. The engine's SourcePeer reads and
// compares the source; a DiffDest (agent/engine/diff-dest.ts), joined to it in
// memory, answers from the target and hands the changes to a PatchSink, which
// writes them in format.ts's records. The target is a live copy read at the
// same time (here: DiskBase; remote, through an agent or ssh: remote.ts) or a
// digest file (DigestBase). Nothing is written to the target.

import fs from 'node:fs'
import {randomBytes} from 'node:crypto'
import {Disk} from '../../disk/disk.js'
import {DiffDest, type ChangeSink, type SegmentChanges} from '../../engine/diff-dest.js'
import {DiskBase} from '../../engine/disk-base.js'
import {SourcePeer} from '../../engine/engine.js'
import {ioError, UsageError} from '../../errors.js'
import {Channel} from '../../wire/channel.js'
import {duplexPair} from '../../wire/pair.js'
import {DigestBase, isDigestFile, wholePlan} from './digest.js'
import {parseCompression, RecordWriter, type Compression, type PatchObserver} from './format.js'
import {parseAddress} from '../address.js'
import {runOptions, type RunOptions} from '../options.js'
import {withRemoteTarget, type RemoteTarget} from './remote.js'

export {describeDiff} from './describe.js'

export interface DiffOptions {
  blockSize: number
  /** none, gzip or brotli, as typed (parseCompression). */
  compress: string
  /** Sizes only: no patch is written. */
  dryRun: boolean
  /** How to reach a remote target (agent:// with pskFile, or ssh). */
  remote?: Partial<RunOptions>
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

/** The copy diffed against: a live one (local or remote) or a digest file standing in for it. */
interface Target extends RemoteTarget {
  against: 'copy' | 'digest'
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
  const compression = parseCompression(o.compress)
  if (!out && !o.dryRun) throw new UsageError('E_PATCH_TARGET', 'diff needs --out PATCH (or --dry-run)')
  if (await isDigestFile(source)) throw new UsageError('E_PATCH_TARGET', `${source} is a digest file: diff compares a live source with a copy or a digest`)
  const w = {out: o.dryRun ? null : out, compression, observer, began: Date.now()}
  if (parseAddress(target).kind !== 'local') {
    return withRemoteTarget(source, target, runOptions({...o.remote, blockSize: o.blockSize}), (disk, t) => diffInto(disk, {...t, against: 'copy'}, w))
  }
  const disk = await Disk.openRead(source)
  let t: Target | null = null
  try {
    t = await openTarget(target, disk.size, o.blockSize)
    return await diffInto(disk, t, w)
  } finally {
    await t?.base.close()
    await disk.close()
  }
}

/** The source read by a SourcePeer, joined in memory to a DiffDest answering from the target; the patch written as they go. */
async function diffInto(disk: Disk, t: Target, p: {out: string | null; compression: Compression; observer: PatchObserver; began: number}): Promise<DiffSummary> {
  const plan = {...t.plan, dryRun: false}
  const header = {magic: 'blockpair-patch', size: disk.size, baseSize: t.size, blockSize: plan.blockSize, seed: t.seed, compression: p.compression}
  const w = p.out === null ? null : new RecordWriter(p.out, header)
  try {
    const [a, b] = duplexPair()
    const dest = new DiffDest(new Channel(b), plan, t.seed, t.base, new PatchSink(w), {})
    p.observer.onPlan?.({start: 0, end: disk.size})
    const src = new SourcePeer(new Channel(a), disk, plan, {onHashes: dest.onSourceHashes, onProgress: (d, m) => p.observer.onProgress?.(d, m)}, t.seed)
    // Both settle before the files close: a failure on one side aborts the channel, and so the other.
    const [d, s] = await Promise.allSettled([dest.run(), src.run()])
    if (d.status === 'rejected') throw d.reason
    if (s.status === 'rejected') throw s.reason
    const r = d.value
    await t.finish(r)
    await w?.end({baseDigest: r.baseDigest, digest: r.digest, bytesData: r.bytesData, bytesZero: r.bytesZero})
    return {
      ok: true, patch: w ? p.out : null, dryRun: !w, against: t.against, size: disk.size, baseSize: t.size, blockSize: plan.blockSize,
      blocks: r.blocks, blocksChanged: r.blocksChanged, bytesData: r.bytesData, bytesZero: r.bytesZero, bytesRead: disk.bytesRead,
      patchBytes: w && p.out ? (await fs.promises.stat(p.out)).size : 0, compression: p.compression || 'none',
      baseDigest: r.baseDigest.toString('hex'), digest: r.digest.toString('hex'), durationMs: Date.now() - p.began,
    }
  } catch (err) {
    await w?.abort()
    throw ioError(err, disk.path)
  }
}
