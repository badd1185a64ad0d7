// The source end of a remote apply's sessions (remote-apply.ts): a push's
// source with a patch file in place of a source file. The remote agent is an
// ordinary destination (DestPeer, under its --allow rules), hashing with the
// patch's seed (Open.patchSeed): it reads the blocks the plan's ranges name
// (the blocks the patch touches) and sends their manifests. For each segment
// in order this end
//
//   waits for the manifest (none past destZeroFrom: known zero)
//   compares each touched block with the patch's base and result hashes
//   writing: sends the segment's Data and Zero frames from the patch
//   sends SegmentEnd
//
// A check session (a dry run) only compares; a write session compares again
// (the target may have changed since the check) and writes. At the end the
// Finish digest is what the destination must hold: its manifests with the
// touched blocks' result hashes. The destination computes its own from the
// bytes it writes (whole blocks hashed from the payload, a partial one
// patched into the block it read and rehashed), so nothing is read back to
// check the result. In a dry run the destination's Finished digest is that
// of what it holds: the whole target's when the plan has no ranges.

import type {EngineResult, Plan, Range} from '../../engine/engine.js'
import {BlockHasher, HASH_BYTES} from '../../engine/hash.js'
import {Layout} from '../../engine/layout.js'
import {manifestEntries, zeroHashes, type Theirs} from '../../engine/manifest.js'
import {Deferred, emptyStats, protocol, type EngineHooks} from '../../engine/plan.js'
import {dispatch} from '../../engine/dispatch.js'
import {IoError, PolicyError} from '../../errors.js'
import type {Channel} from '../../wire/channel.js'
import type {Frame} from '../../../proto/codec.js'
import {syncWithAgent} from '../../session/client.js'
import {patchIdentity} from '../../session/open.js'
import type {Summary} from '../../session/session.js'
import type {Endpoint} from '../../wire/transport.js'
import type {FilePair} from '../plan.js'
import type {Remote} from '../remote.js'
import {records, type PatchObserver} from './format.js'
import {compareBlock, fault, type Touched} from './touched.js'

type Finished = Frame & {kind: 'finished'}

/** How the target's touched blocks compared; offsets of the first that broke each rule, or null. */
export interface Comparison {
  /** Every touched block is the base's. */
  base: boolean
  /** Every touched block is the result's. */
  result: boolean
  /** First block neither the base's nor the result's. */
  neither: number | null
  /** First block below `resumeFrom` that is not the result's (a resume trusts what is below it). */
  notDone: number | null
  /** The destination's digest of what it held (dry run) or holds now (write). */
  digest: Buffer
}

export interface PatchSourceOptions {
  /** The patch to send frames from; null: a check session, which writes nothing. */
  patch: string | null
  /** A write session that finds a block neither base nor result fails (the target changed after the check); not when resuming. */
  strict: boolean
  /** A resumed apply's checkpoint: blocks below it must be the result already. */
  resumeFrom: number
  hooks: EngineHooks
  /** Each segment's hashes as the destination sent them (a remote digest writes them down). */
  onSegment?: (k: number, hashes: Buffer) => Promise<void>
}

export class PatchSource {
  private readonly layout: Layout
  private readonly h: BlockHasher
  private readonly expected
  private readonly manifests = new Map<number, Theirs>()
  private readonly finished = new Deferred<Finished>()
  private readonly stats = emptyStats()
  private readonly cmp: Comparison = {base: true, result: true, neither: null, notDone: null, digest: Buffer.alloc(0)}
  private waiter: Deferred<void> | null = null
  private failure: Error | null = null
  private nextManifest = 0
  private blocks = 0
  /** Segments processed and not yet ended: ended in one frame before waiting for anything. */
  private ends = {first: 0, count: 0}

  constructor(private readonly ch: Channel, private readonly plan: Plan, seed: Buffer, private readonly touched: ReadonlyMap<number, Touched>,
    private readonly o: PatchSourceOptions) {
    this.layout = new Layout(plan)
    if (plan.start % this.layout.segSize !== 0) throw protocol('a patch session starts on a segment boundary')
    this.h = new BlockHasher(seed)
    this.expected = this.h.digest()
    ch.onFail(err => {
      this.failure = err
      this.waiter?.reject(err)
      this.finished.reject(err)
    })
  }

  async run(): Promise<{result: EngineResult; comparison: Comparison}> {
    dispatch(this.ch, {
      manifest: f => {
        const entries = manifestEntries(this.h, this.layout, f.msg, this.nextManifest)
        this.nextManifest += entries.length
        for (const [k, hashes] of entries) this.manifests.set(k, hashes)
        this.waiter?.resolve()
      },
      checkpoint: f => this.o.hooks.onCheckpoint?.(Number(f.msg.offset ?? 0), f.msg.stamp || null),
      keepalive: () => {},
      finished: f => this.finished.resolve(f),
    })
    const frames = this.o.patch ? new PatchFrames(this.o.patch) : null
    try {
      for (let k = 0; k < this.layout.segments; k++) await this.segment(k, frames)
    } finally {
      await frames?.close()
    }
    this.flushEnds()
    const digest = Buffer.from(this.expected.digest())
    this.ch.send('finish', {digest, stats: this.stats})
    const fin = await this.finished.promise
    this.cmp.digest = Buffer.from(fin.msg.digest ?? [])
    if (!this.plan.dryRun && !this.cmp.digest.equals(digest)) {
      throw new IoError('E_PATCH_RESULT', 'after writing, the target\'s blocks do not hash to the patch\'s result; the disk or something else writing to it changed them')
    }
    const result = {...emptyStats(), ...this.stats, blocks: this.blocks, digest, peer: fin.msg.stats ?? {}, differences: [], verified: false, sourceChanged: false}
    return {result, comparison: this.cmp}
  }

  private async segment(k: number, frames: PatchFrames | null): Promise<void> {
    const {layout} = this
    const start = layout.segStart(k)
    const hashes = Buffer.from(await this.hashesOf(k))
    await this.o.onSegment?.(k, hashes)
    const x = this.touched.get(start / layout.segSize)
    if (x) {
      this.compare(x, hashes)
      this.stats.blocksChanged += x.blocks.length
    }
    x?.blocks.forEach((i, j) => x.result.copy(hashes, i * HASH_BYTES, j * HASH_BYTES, (j + 1) * HASH_BYTES))
    this.expected.update(hashes)
    this.blocks += hashes.length / HASH_BYTES
    if (x && frames) {
      fault(start)
      this.flushEnds()
      await frames.send(this.ch, x.k, this.stats)
    }
    if (this.ends.count === 0) this.ends.first = k
    this.ends.count++
    this.o.hooks.onProgress?.(start + layout.segLength(k) - this.plan.start, this.stats.bytesWritten)
  }

  /** The destination's coarse hashes of segment k: from its manifest, or zeros where it holds none. */
  private async hashesOf(k: number): Promise<Buffer> {
    const {layout} = this
    if (layout.knownZero(k)) return zeroHashes(this.h, layout.segLength(k), layout.plan.blockSize)
    while (!this.manifests.has(k)) {
      if (this.failure) throw this.failure
      // The destination sends more manifests only once earlier segments have ended.
      this.flushEnds()
      this.waiter = new Deferred<void>()
      await this.waiter.promise
    }
    const theirs = this.manifests.get(k) ?? null
    this.manifests.delete(k)
    return theirs ?? zeroHashes(this.h, layout.segLength(k), layout.plan.blockSize)
  }

  private compare(x: Touched, hashes: Buffer): void {
    const bs = this.plan.blockSize
    for (const [j, i] of x.blocks.entries()) {
      const offset = x.k * this.layout.segSize + i * bs
      const {isBase, isResult} = compareBlock(x, j, hashes, i * HASH_BYTES)
      this.cmp.base &&= isBase
      this.cmp.result &&= isResult
      if (!isBase && !isResult) this.cmp.neither ??= offset
      if (offset < this.o.resumeFrom && !isResult) this.cmp.notDone ??= offset
    }
    if (this.o.strict && this.cmp.neither !== null) {
      throw notBase(this.cmp.neither)
    }
  }

  private flushEnds(): void {
    const {first, count} = this.ends
    if (count > 0) this.ch.send('segmentEnd', count > 1 ? {segment: first, count} : {segment: first})
    this.ends = {first: 0, count: 0}
  }
}

function notBase(offset: number): Error {
  return new PolicyError('E_PATCH_BASE', `the target's block at offset ${offset} is no longer the patch's base (it changed after the check); nothing from there on was written`)
}

/** The patch's Data and Zero frames, segment by segment, read once in order. */
class PatchFrames {
  private readonly it: AsyncGenerator<Frame>
  private pending: Frame | null = null

  constructor(patch: string) {
    this.it = records(patch, 'blockpair-patch')
  }

  /** Send the frames of patch segment `k` (skipping any before it). */
  async send(ch: Channel, k: number, stats: ReturnType<typeof emptyStats>): Promise<void> {
    let inside = false
    for (let f = await this.next(); f; f = await this.next()) {
      if (f.kind === 'patchBlocks') {
        const at = f.msg.segment ?? 0
        if (at > k || inside) {
          this.pending = f
          return
        }
        inside = at === k
      } else if (inside && f.kind === 'data') {
        const payload = f.payload as Buffer
        stats.bytesWritten += payload.length
        stats.bytesSent += payload.length
        if (!ch.sendData(f.msg.offset ?? 0, payload, () => {})) await ch.drain()
      } else if (inside && f.kind === 'zero') {
        stats.bytesZeroed += f.msg.length ?? 0
        ch.send('zero', {offset: f.msg.offset ?? 0, length: f.msg.length ?? 0})
      }
    }
  }

  private async next(): Promise<Frame | null> {
    const f = this.pending ?? (await this.it.next()).value as Frame | undefined
    this.pending = null
    return f ?? null
  }

  async close(): Promise<void> {
    await this.it.return(undefined)
  }
}

export interface PatchSessionSpec extends PatchSourceOptions {
  /** The source's size; null: the destination's (a digest of it). */
  size: number | null
  seed: Buffer
  blockSize: number
  dryRun: boolean
  /** The only ranges the destination reads; null: all. */
  ranges: Range[] | null
  /** Where the session starts (a resumed write: its checkpoint). */
  start: number
  job?: string
  touched: ReadonlyMap<number, Touched>
  /** Once the destination is open, before anything runs: refuse it by throwing. */
  checkDest?: (destSize: number, existed: boolean) => void
  observer?: PatchObserver
}

/** One session with `remote` for `file` whose source is a PatchSource: a push from a patch (or from nothing, for a digest). */
export async function patchSession(remote: Remote, file: FilePair, s: PatchSessionSpec): Promise<{comparison: Comparison; summary: Summary}> {
  let comparison: Comparison | null = null
  const summary = await syncWithAgent(remote.endpoints[0] as Endpoint, remote.keys, remote.identity, {
    direction: 'push', localPath: file.local, remotePath: file.remote, blockSize: s.blockSize, dryRun: s.dryRun, job: s.job,
    resume: s.start > 0 ? {from: s.start, source: patchIdentity(s.size ?? 0), dest: patchIdentity(s.size ?? 0), trust: true} : undefined,
    patch: {size: s.size, seed: s.seed, ranges: s.ranges}, silenceMs: remote.silenceMs,
    localPeer: async (ch, _none, plan, seed, destSize, existed) => {
      s.checkDest?.(destSize, existed)
      s.observer?.onPlan?.({start: plan.start, end: plan.end})
      const hooks: EngineHooks = {...s.hooks, onProgress: (done, moved) => s.observer?.onProgress?.(done, moved)}
      const r = await new PatchSource(ch, plan, seed, s.touched, {...s, hooks}).run()
      comparison = r.comparison
      return r.result
    },
  })
  return {comparison: comparison as unknown as Comparison, summary}
}
