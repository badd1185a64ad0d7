// `blockpair digest`: the block hashes of a copy in a file (format.ts), and
// that file standing in for the copy as the base of a diff (DigestBase).
//
// A digest is a Manifest record per segment, in the copy's own layout (its
// size and block size), hashed with a random seed kept in the header; its
// end record holds the digest over all block hashes, as a sync computes it.
// 16 bytes per block that holds data: 1 TiB at 64 KiB blocks is 256 MiB,
// and all-zero blocks cost one bit.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import {Disk} from '../../disk/disk.js'
import {BlockHasher, HASH_BYTES} from '../../engine/hash.js'
import {UNKNOWN_HASH, type Base} from '../../engine/diff-dest.js'
import {Layout} from '../../engine/layout.js'
import {packManifest, unpackManifest} from '../../engine/manifest.js'
import {BufferPool} from '../../engine/pool.js'
import {READ_AHEAD, type Plan} from '../../engine/plan.js'
import {Reader} from '../../engine/reader.js'
import {ioError} from '../../errors.js'
import type {Frame} from '../../../proto/codec.js'
import {parseAddress} from '../address.js'
import type {RunOptions} from '../options.js'
import {writeRemoteDigest} from './remote-digest.js'
import {damaged, records, RecordWriter, type Header, type PatchObserver} from './format.js'

export {describeDigest} from './describe.js'

export interface DigestSummary {
  ok: true
  digestFile: string
  size: number
  blockSize: number
  blocks: number
  digest: string
  bytesRead: number
  fileBytes: number
  durationMs: number
}

export function wholePlan(size: number, blockSize: number): Plan {
  return {size, blockSize, start: 0, end: size, destZeroFrom: size, dryRun: true}
}

/** Hash a copy into `out`: a local one here, a remote one (agent:// or ssh) through remote-digest.ts with `remote`'s options. */
export async function writeDigest(target: string, out: string, blockSize: number, observer: PatchObserver = {}, remote: Partial<RunOptions> = {}): Promise<DigestSummary> {
  if (parseAddress(target).kind !== 'local') return writeRemoteDigest(target, out, blockSize, remote, observer)
  const began = Date.now()
  const disk = await Disk.openRead(target)
  const plan = wholePlan(disk.size, blockSize)
  const layout = new Layout(plan)
  const seed = randomBytes(8)
  const h = new BlockHasher(seed)
  const pool = new BufferPool(layout.segSize, READ_AHEAD + 1)
  const reader = new Reader(disk, layout, pool, h, () => false)
  const w = new RecordWriter(out, {magic: 'blockpair-digest', size: disk.size, blockSize, seed})
  const digest = h.digest()
  observer.onPlan?.({start: 0, end: disk.size})
  try {
    for (let k = 0; k < layout.segments; k++) {
      const {seg, hashes} = await reader.get(k)
      digest.update(hashes)
      await w.add('manifest', {segment: k, ...packManifest(h, layout, k, hashes, !seg.lease)})
      seg.lease?.unref()
      observer.onProgress?.(seg.offset + seg.length, seg.offset + seg.length)
    }
    const d = Buffer.from(digest.digest())
    await w.end({digest: d})
    const {size: fileBytes} = await fs.promises.stat(out)
    return {ok: true, digestFile: out, size: disk.size, blockSize, blocks: Math.ceil(disk.size / blockSize), digest: d.toString('hex'),
      bytesRead: disk.bytesRead, fileBytes, durationMs: Date.now() - began}
  } catch (err) {
    await w.abort()
    throw ioError(err, target)
  } finally {
    pool.close()
    await disk.close()
  }
}

/** Does `file` start like a digest file? Damage past the start is then found as it is read. */
export async function isDigestFile(file: string): Promise<boolean> {
  let fh: fs.promises.FileHandle | null = null
  try {
    fh = await fs.promises.open(file, 'r')
    const {buffer, bytesRead} = await fh.read(Buffer.alloc(64), 0, 64, 0)
    return buffer.subarray(0, bytesRead).includes('blockpair-digest')
  } catch {
    return false
  } finally {
    await fh?.close()
  }
}

/**
 * A digest file as the base of a diff whose plan has the digest's block size
 * (and so its segments) but perhaps another size: blocks past the digest's
 * end are zeros, and the one block whose length the two sizes make differ
 * cannot be known (UNKNOWN_HASH: it is sent whole).
 */
export class DigestBase implements Base {
  private readonly it: AsyncGenerator<Frame>
  private readonly h: BlockHasher
  private readonly own: Layout
  private readonly layout: Layout

  private constructor(private readonly file: string, readonly header: Header, it: AsyncGenerator<Frame>, plan: Plan) {
    this.it = it
    this.h = new BlockHasher(Buffer.from(header.seed ?? []))
    this.own = new Layout(wholePlan(header.size ?? 0, header.blockSize ?? 0))
    this.layout = new Layout(plan)
  }

  /** Open `file`; `plan(header)` is the diff's plan, made once the digest's block size is known. */
  static async open(file: string, plan: (h: Header) => Plan): Promise<DigestBase> {
    let header: Header | null = null
    const it = records(file, 'blockpair-digest', h => { header = h })
    const first = await it.next()
    const h = header as Header | null
    if (!h || (h.seed?.length ?? 0) !== 8) throw damaged(file, 'no header with a hash seed')
    const base = new DigestBase(file, h, it, plan(h))
    base.pending = first.done ? null : first.value
    return base
  }

  private pending: Frame | null = null

  get seed(): Buffer {
    return Buffer.from(this.header.seed ?? [])
  }

  async hashes(k: number): Promise<Buffer> {
    const mine = k < this.own.segments ? await this.segment(k) : null
    const n = this.layout.blocksIn(this.layout.segLength(k))
    const out = Buffer.allocUnsafe(n * HASH_BYTES)
    for (let i = 0; i < n; i++) {
      const want = this.layout.blockLength(k, i)
      const have = k < this.own.segments ? this.own.blockLength(k, i) : 0
      if (have <= 0 || (mine === null && have === want)) this.h.zeroHash(want).copy(out, i * HASH_BYTES)
      else if (have !== want) UNKNOWN_HASH.copy(out, i * HASH_BYTES)
      else (mine as Buffer).copy(out, i * HASH_BYTES, i * HASH_BYTES, (i + 1) * HASH_BYTES)
    }
    return out
  }

  /** The digest's hashes of its segment k (null: all zero). */
  private async segment(k: number): Promise<Buffer | null> {
    const f = this.pending ?? (await this.it.next()).value as Frame | undefined
    this.pending = null
    if (!f || f.kind !== 'manifest' || f.msg.segment !== k) throw damaged(this.file, `segment ${k} is missing or out of order`)
    const hashes = unpackManifest(this.h, this.own, k, Buffer.from(f.msg.hashes ?? []), Buffer.from(f.msg.zeros ?? []))
    if (hashes === undefined) throw damaged(this.file, `segment ${k} does not match its blocks`)
    return hashes
  }

  async fine(): Promise<null> {
    return null
  }

  release(): void {}

  /** Read the rest of the file (a shorter source leaves segments unread), so its end record is checked too. */
  async finish(): Promise<void> {
    for (let f = this.pending ?? (await this.it.next()).value; f; f = (await this.it.next()).value) this.pending = null
  }

  async close(): Promise<void> {
    await this.it.return(undefined)
  }
}
