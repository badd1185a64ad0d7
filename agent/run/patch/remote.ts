// A diff against a remote copy (agent:// or ssh): the session of a dry-run
// push, in which the remote agent is the destination as in any sync (it
// reads its copy, sends manifests and answers refines, writes nothing), and
// this end runs the diff's pair in place of its source engine
// (SyncOptions.localPeer). RemoteBase forwards the remote's manifests and
// refine answers to the local DiffDest, and its segment ends back, so both
// copies are read at once and the remote's window paces the diff.

import type {Disk} from '../../disk/disk.js'
import type {Base, DiffResult} from '../../engine/diff-dest.js'
import type {EngineResult, Plan} from '../../engine/engine.js'
import {BlockHasher} from '../../engine/hash.js'
import {Layout} from '../../engine/layout.js'
import {Mailbox} from '../../engine/mailbox.js'
import {manifestEntries, zeroHashes, type Theirs} from '../../engine/manifest.js'
import {Deferred, emptyStats, protocol} from '../../engine/plan.js'
import {dispatch} from '../../engine/dispatch.js'
import {syncWithAgent} from '../../session/client.js'
import type {Channel} from '../../wire/channel.js'
import type {Endpoint} from '../../wire/transport.js'
import type {Frame} from '../../../proto/codec.js'
import type {RunOptions} from '../options.js'
import {planRun, type FilePair} from '../plan.js'
import {openRemote} from '../remote.js'

type Finished = Frame & {kind: 'finished'}

class RemoteBase implements Base {
  private readonly layout: Layout
  private readonly h: BlockHasher
  private readonly manifests = new Mailbox<Theirs>()
  private readonly refines: Array<Deferred<Buffer>> = []
  private readonly finished = new Deferred<Finished>()
  private nextManifest = 0

  constructor(private readonly ch: Channel, plan: Plan, seed: Buffer) {
    this.layout = new Layout(plan)
    this.h = new BlockHasher(seed)
    dispatch(ch, {
      manifest: f => {
        const entries = manifestEntries(this.h, this.layout, f.msg, this.nextManifest)
        this.nextManifest += entries.length
        for (const [k, hashes] of entries) this.manifests.put(k, hashes)
      },
      refineHashes: f => {
        const r = this.refines.shift()
        if (!r) throw protocol('refine hashes that were not asked for')
        r.resolve(Buffer.from(f.msg.hashes ?? []))
      },
      checkpoint: () => {},
      keepalive: () => {},
      finished: f => this.finished.resolve(f),
    })
    ch.onFail(err => {
      this.manifests.fail(err)
      for (const r of this.refines.splice(0)) r.reject(err)
      this.finished.reject(err)
    })
  }

  async hashes(k: number): Promise<Buffer> {
    const theirs = this.layout.knownZero(k) ? null : await this.manifests.take(k)
    return theirs ?? zeroHashes(this.h, this.layout.segLength(k), this.layout.plan.blockSize)
  }

  async fine(k: number, blocks: readonly number[]): Promise<Buffer> {
    const r = new Deferred<Buffer>()
    this.refines.push(r)
    this.ch.send('refine', {segment: k, blocks: [...blocks]})
    return r.promise
  }

  release(k: number): void {
    this.ch.send('segmentEnd', {segment: k})
  }

  /** The remote's digest of what it holds must be the base digest the diff computed. */
  async finish(r: DiffResult): Promise<Finished> {
    this.ch.send('finish', {digest: r.digest, stats: emptyStats()})
    const f = await this.finished.promise
    if (r.baseDigest.length > 0 && !Buffer.from(f.msg.digest ?? []).equals(r.baseDigest)) throw protocol('the remote copy\'s digest is not the base the diff saw')
    return f
  }

  async close(): Promise<void> {}
}

/** What the diff runs once the remote end is open: the source, and the remote copy as its base. */
export interface RemoteTarget {
  base: Base
  seed: Buffer
  size: number
  plan: Plan
  finish(r: DiffResult): Promise<void>
}

/**
 * Open `target` (agent:// or [USER@]HOST:PATH) as the remote end of a
 * dry-run push from `source`, and run `diff` inside the session.
 */
export async function withRemoteTarget<T extends {blocks: number; blocksChanged: number}>(source: string, target: string, o: RunOptions,
  diff: (disk: Disk, t: RemoteTarget) => Promise<T>): Promise<T> {
  const run = planRun('push', [source, target])
  const remote = await openRemote(run, {...o, streams: 1})
  let out: T | null = null
  try {
    await syncWithAgent(remote.endpoints[0] as Endpoint, remote.keys, remote.identity, {
      direction: 'push', localPath: source, remotePath: (run.files[0] as FilePair).remote, blockSize: o.blockSize, dryRun: true, silenceMs: remote.silenceMs,
      localPeer: async (ch, source, plan, seed, destSize): Promise<EngineResult> => {
        const disk = source as Disk
        const base = new RemoteBase(ch, plan, seed)
        let fin: Finished | null = null
        const local = {...plan, destZeroFrom: plan.size, dryRun: false}
        out = await diff(disk, {base, seed, size: destSize, plan: local, finish: async r => { fin = await base.finish(r) }})
        const f = fin as Finished | null
        return {...emptyStats(), blocks: out.blocks, blocksChanged: out.blocksChanged, bytesRead: disk.bytesRead, digest: Buffer.from(f?.msg.digest ?? []),
          peer: f?.msg.stats ?? {}, differences: [], verified: false, sourceChanged: false}
      },
    })
  } catch (err) {
    throw await remote.explain(err)
  } finally {
    await remote.close()
  }
  return out as unknown as T
}
